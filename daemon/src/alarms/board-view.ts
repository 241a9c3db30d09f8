// What the UI shows of the board: each input with its call point and state,
// each output with its role and pattern, each device with its status.
import type { Board, BoardProfile } from '../../../hardware/src/index.js';
import type { BoardSnapshot } from '../contracts/board.js';
import type { Point } from './alarm-message.js';

export function boardSnapshot(board: Board, profile: BoardProfile, points: Point[]): BoardSnapshot {
  const byInput = new Map(points.map((p) => [p.input, p]));
  const known = new Set(board.outputIds());
  return {
    name: profile.name,
    inputs: profile.inputs.map((i) => {
      const p = byInput.get(i.id);
      const s = i.source;
      const source = s.kind === 'gpio' ? `GPIO BCM${s.bcm}` : s.kind === 'mcp23017' ? `${s.device} pin ${s.pin}` : `${s.device} AIN${s.channel} (supervised loop)`;
      return { id: i.id, point: p?.id ?? null, label: p?.label ?? i.label ?? null, source, pressed: board.isPressed(i.id) };
    }),
    outputs: profile.outputs
      .filter((o) => known.has(o.id))
      .map((o) => {
        const out = board.output(o.id);
        return { id: o.id, role: o.role, point: o.point ? (byInput.get(o.point)?.id ?? o.point) : null, mode: out.pattern.mode, on: out.isOn() };
      }),
    devices: Object.entries(board.status()).map(([id, s]) => ({ id, status: s.status, detail: s.detail, since: s.since })),
    temperatures: board.temperatures(),
  };
}
