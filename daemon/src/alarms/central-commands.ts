// Commands from central about alarms: ack-alarm and clear-alarm (audited,
// with who from central's message). Registered on the uplink before it starts.
import { z } from 'zod';
import type { CommandHandler } from '../uplink/index.js';
import type { AlarmService } from './alarm-service.js';
import type { SelfTest } from './self-test.js';

const alarmId = z.string().regex(/^A-\d{8}-\d{1,5}$/, 'an alarm id looks like A-20261125-3');
const who = z.string().regex(/^[\p{L}\p{N} ._@-]{1,64}$/u, 'who: 1–64 letters, digits, spaces, . _ @ -').optional();

export const ackSchema = z.strictObject({ alarmId, by: who });
export const clearSchema = z.strictObject({ alarmId, by: who });

type Register = <S extends z.ZodType>(name: string, schema: S, handler: CommandHandler<z.output<S>>) => () => void;

export const selfTestSchema = z.strictObject({ pointId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a point id').optional(), by: who });

export function registerAlarmCommands(register: Register, alarms: AlarmService, selfTest: SelfTest): Array<() => void> {
  const actor = (by: string | undefined) => ({ username: `central${by ? `:${by}` : ''}`, role: null, ip: null });
  return [
    register('ack-alarm', ackSchema, async (d) => {
      const r = await alarms.acknowledge(d.alarmId, actor(d.by), 'central');
      return r.ok ? { ok: true, value: { alarmId: r.alarm.id, state: r.alarm.state } } : { ok: false, error: r.message };
    }),
    register('clear-alarm', clearSchema, async (d) => {
      const r = await alarms.clear(d.alarmId, actor(d.by), 'central');
      return r.ok ? { ok: true, value: { alarmId: r.alarm.id, state: r.alarm.state } } : { ok: false, error: r.message };
    }),
    register('self-test', selfTestSchema, async (d) => {
      if (d.pointId !== undefined && !alarms.pointOf(d.pointId)) return { ok: false, error: `no call point ${d.pointId}` };
      const t = await selfTest.begin(d.pointId, 'central', `central${d.by ? `:${d.by}` : ''}`);
      void t.done.catch(() => undefined);
      // The outcome reaches central as the test alarm's own messages (and an event if it fails).
      return { ok: true, value: { alarmId: t.alarmId } };
    }),
  ];
}
