// The `alarm` message for central: the alarm as it now stands, what just
// happened, and where the point is.
import type { Config } from '../config/schema.js';
import type { Alarm } from '../contracts/alarms.js';
import type { AlarmMessage } from '../contracts/mqtt.js';

export type Point = Config['points'][number];

export function alarmMessage(a: Alarm, point: Point | undefined, event: string): AlarmMessage {
  return { ...a, event, point: { id: a.pointId, label: point?.label ?? a.pointId, location: point?.location ?? '', zone: a.zone } };
}
