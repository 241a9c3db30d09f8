// The texts Callpoint sends by SMS, in English or Chinese. Kept short: a
// GSM 7-bit SMS holds 160 characters, a UCS2 (Chinese) one 70; longer texts
// go as concatenated parts, which cost more and arrive later.
import type { Alarm } from '../contracts/alarms.js';
import type { Point } from '../alarms/alarm-message.js';

export type SmsLanguage = 'en' | 'zh-CN';
export type AlarmSmsEvent = 'raised' | 'failed' | 'acknowledged' | 'cleared';

/** "2026-11-25 21:40" in the appliance's local time (the reader is on site or on call nearby). */
export function shortTime(iso: string, tz?: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
}

export function alarmSms(a: Alarm, point: Point | undefined, event: AlarmSmsEvent, lang: SmsLanguage, site: string, tz?: string): string {
  const where = point ? `${point.label}${point.location ? `, ${point.location}` : ''}` : a.pointId;
  const when = shortTime(event === 'raised' ? a.raisedAt : a.updatedAt, tz);
  if (lang === 'zh-CN') {
    switch (event) {
      case 'raised':
        return `【紧急报警】${site} ${where} ${when} 报警 ${a.id}。回复 ACK ${a.id} 确认。`;
      case 'failed':
        return `【紧急报警】${a.id} ${where}：调度台无人接听，仍在呼叫。回复 ACK ${a.id} 确认。`;
      case 'acknowledged':
        return `报警 ${a.id}（${where}）已由 ${a.acknowledgedBy ?? '?'} 于 ${when} 确认。`;
      case 'cleared':
        return `报警 ${a.id}（${where}）已于 ${when} 复位。`;
    }
  }
  switch (event) {
    case 'raised':
      return `EMERGENCY ${site}: ${where} at ${when}, alarm ${a.id}. Reply ACK ${a.id} to acknowledge.`;
    case 'failed':
      return `EMERGENCY ${a.id} ${where}: dispatch not answering, still calling. Reply ACK ${a.id} to acknowledge.`;
    case 'acknowledged':
      return `Alarm ${a.id} (${where}) acknowledged by ${a.acknowledgedBy ?? '?'} at ${when}.`;
    case 'cleared':
      return `Alarm ${a.id} (${where}) cleared at ${when}.`;
  }
}
