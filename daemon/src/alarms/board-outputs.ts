// The alarm service's indications on a real (or simulated) board: per point
// the EN 81-28 lamps — yellow "alarm sent", green "voice connected" — and the
// site's strobes and sirens.
import type { Board, BoardProfile } from '../../../hardware/src/index.js';
import { derived } from '../config/holder.js';
import type { Logger } from '../log/logger.js';
import type { Point } from './alarm-message.js';
import type { AlarmOutputs } from './ports.js';

export function boardOutputs(board: Board, profile: BoardProfile, points: () => Point[], log: Logger): AlarmOutputs {
  const inputOfPoint = derived(points, (list) => new Map(list.map((p) => [p.id, p.input])));
  const set = (id: string, pattern: Parameters<ReturnType<Board['output']>['set']>[0]) => {
    try {
      board.output(id).set(pattern);
    } catch (err) {
      log.error({ err, output: id }, 'cannot drive an output');
    }
  };
  const outputsOf = (input: string | undefined, role: 'alarm-sent' | 'voice-connected') => profile.outputs.filter((o) => o.point === input && o.role === role).map((o) => o.id);
  return {
    point(pointId, indication) {
      const input = inputOfPoint().get(pointId);
      // A walk-test press flashes the point's lamp quickly: seen from the point, and not mistaken for "alarm sent".
      for (const id of outputsOf(input, 'alarm-sent')) set(id, indication === 'test' ? { mode: 'flash', onMs: 150, offMs: 150 } : { mode: indication === 'idle' ? 'off' : 'on' });
      for (const id of outputsOf(input, 'voice-connected')) set(id, { mode: indication === 'voice-connected' ? 'on' : 'off' });
    },
    beacons(on) {
      for (const o of profile.outputs) {
        if (o.role === 'strobe') set(o.id, on ? { mode: 'flash', onMs: 500, offMs: 500 } : { mode: 'off' });
        if (o.role === 'siren') set(o.id, on ? { mode: 'on' } : { mode: 'off' });
      }
    },
  };
}
