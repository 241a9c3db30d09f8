// The texts Callpoint sends by SMS, in English or Chinese. Kept short: a
// GSM 7-bit SMS holds 160 characters, a UCS2 (Chinese) one 70; longer texts
// go as concatenated parts, which cost more and arrive later. In Chinese an
// alarm raised by equipment is 告警 (报警 is reporting to the police).
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
        return `【紧急告警】${site} ${where} ${when} 告警 ${a.id}。回复 ACK ${a.id} 确认。`;
      case 'failed':
        return `【紧急告警】${a.id} ${where}：调度台无人接听，仍在呼叫。回复 ACK ${a.id} 确认。`;
      case 'acknowledged':
        return `告警 ${a.id}（${where}）已由 ${a.acknowledgedBy ?? '?'} 于 ${when} 确认。`;
      case 'cleared':
        return `告警 ${a.id}（${where}）已于 ${when} 复位。`;
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

/** The answer to an SMS command (sms-inbox.ts), before it is put in words. */
export type CommandReply =
  | { kind: 'status'; site: string; node: string; health: 'ok' | 'degraded' | 'down'; open: Array<{ id: string; pointId: string; state: string }>; faults: string[] }
  | { kind: 'acknowledged'; alarmId: string; by: string }
  /** `why` as the alarm service put it; `state` the alarm's, when it has one. */
  | { kind: 'not-acknowledged'; alarmId: string; why: string; state?: string; by?: string | null }
  | { kind: 'no-points' }
  | { kind: 'usage' };

const HEALTH_ZH = { ok: '正常', degraded: '降级', down: '故障' } as const;
const STATE_ZH: Record<string, string> = { raised: '已触发', calling: '呼叫中', connected: '已接通', acknowledged: '已确认', cleared: '已复位', failed: '无人接听', test: '测试' };

export function commandReply(r: CommandReply, lang: SmsLanguage): string {
  const zh = lang === 'zh-CN';
  switch (r.kind) {
    case 'status': {
      const alarms = r.open.slice(0, 5).map((a) => `${a.id} ${a.pointId} ${zh ? (STATE_ZH[a.state] ?? a.state) : a.state}`).join('; ');
      const faults = r.faults.slice(0, 3).join(', ');
      return zh
        ? `${r.site}/${r.node} 状态${HEALTH_ZH[r.health]}：未结束告警 ${r.open.length} 个${alarms ? ` ${alarms}` : ''}；故障 ${r.faults.length} 个${faults ? ` ${faults}` : ''}。`
        : `${r.site}/${r.node} ${r.health.toUpperCase()}: ${r.open.length} open alarm(s)${alarms ? ` ${alarms}` : ''}; ${r.faults.length} fault(s)${faults ? ` ${faults}` : ''}.`;
    }
    case 'acknowledged':
      return zh ? `告警 ${r.alarmId} 已由 ${r.by} 确认。` : `Alarm ${r.alarmId} acknowledged by ${r.by}.`;
    case 'not-acknowledged':
      if (!zh) return `Not acknowledged: ${r.why}.`;
      if (r.state === undefined) return `未确认：没有告警 ${r.alarmId}。`;
      if (r.state === 'cleared') return `未确认：告警 ${r.alarmId} 已复位。`;
      if (r.state === 'acknowledged') return `未确认：告警 ${r.alarmId} 已由 ${r.by ?? '?'} 确认。`;
      return `未确认：${r.why}。`;
    case 'no-points':
      return zh ? '未配置紧急呼叫点。' : 'No call points configured.';
    case 'usage':
      return zh ? '命令：状态（STATUS），或 确认 <告警编号>（ACK A-20261125-3）。' : 'Commands: STATUS, or ACK <alarm id> (e.g. ACK A-20261125-3).';
  }
}
