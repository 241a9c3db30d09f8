// Commands from central about alarms: ack-alarm, clear-alarm and self-test
// (audited, with who from central's message). Registered on the uplink before
// it starts, through the RegisterCommand interface (no import of the uplink).
import { ackAlarmCommand, clearAlarmCommand, selfTestCommand } from '../contracts/alarms.js';
import type { RegisterCommand } from '../contracts/commands.js';
import type { AlarmService } from './alarm-service.js';
import type { SelfTest } from './self-test.js';

export function registerAlarmCommands(register: RegisterCommand, alarms: AlarmService, selfTest: SelfTest): Array<() => void> {
  const actor = (by: string | undefined) => ({ username: `central${by ? `:${by}` : ''}`, role: null, ip: null });
  return [
    register('ack-alarm', ackAlarmCommand, async (d) => {
      const r = await alarms.acknowledge(d.alarmId, actor(d.by), 'central');
      return r.ok ? { ok: true, value: { alarmId: r.alarm.id, state: r.alarm.state } } : { ok: false, error: r.message };
    }),
    register('clear-alarm', clearAlarmCommand, async (d) => {
      const r = await alarms.clear(d.alarmId, actor(d.by), 'central');
      return r.ok ? { ok: true, value: { alarmId: r.alarm.id, state: r.alarm.state } } : { ok: false, error: r.message };
    }),
    register('self-test', selfTestCommand, async (d) => {
      if (d.pointId !== undefined && !alarms.pointOf(d.pointId)) return { ok: false, error: `no call point ${d.pointId}` };
      const t = await selfTest.begin(d.pointId, 'central', { name: `central${d.by ? `:${d.by}` : ''}` });
      void t.done.catch(() => undefined);
      // The outcome reaches central as the test alarm's own messages (and an event if it fails).
      return { ok: true, value: { alarmId: t.alarmId } };
    }),
  ];
}
