// Commands from central about alarms: ack-alarm and clear-alarm (audited,
// with who from central's message). Registered on the uplink before it starts.
import { z } from 'zod';
import type { CommandHandler } from '../uplink/index.js';
import type { AlarmService } from './alarm-service.js';

const alarmId = z.string().regex(/^A-\d{8}-\d{1,5}$/, 'an alarm id looks like A-20261125-3');
const who = z.string().regex(/^[\p{L}\p{N} ._@-]{1,64}$/u, 'who: 1–64 letters, digits, spaces, . _ @ -').optional();

export const ackSchema = z.strictObject({ alarmId, by: who });
export const clearSchema = z.strictObject({ alarmId, by: who });

type Register = <S extends z.ZodType>(name: string, schema: S, handler: CommandHandler<z.output<S>>) => () => void;

export function registerAlarmCommands(register: Register, alarms: AlarmService): Array<() => void> {
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
  ];
}
