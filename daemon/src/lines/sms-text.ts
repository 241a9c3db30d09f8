// The texts Callpoint sends by SMS, by key of the phrasebooks
// (contracts/phrases: sms.*), in the plan's language. Kept short: a GSM
// 7-bit SMS holds 160 characters, a UCS2 (Chinese) one 70; longer texts go
// as concatenated parts, which cost more and arrive later. In Chinese an
// alarm raised by equipment is 告警 (报警 is reporting to the police).
import type { Alarm } from '../contracts/alarms.js';
import { phrase, phraseList, renderPhrase, statePhrase, type Phrase, type PhraseParam } from '../contracts/phrases/index.js';
import type { AlarmState } from '../contracts/values.js';
import type { Point } from '../alarms/alarm-message.js';

export type SmsLanguage = 'en' | 'zh-CN';
export type AlarmSmsEvent = 'raised' | 'failed' | 'acknowledged' | 'cleared';

/** "2026-11-25 21:40" in the site's time zone (the reader is on site or on call nearby). */
export function shortTime(iso: string, tz?: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
}

export function alarmSmsPhrase(a: Alarm, point: Point | undefined, event: AlarmSmsEvent, site: string, tz?: string): Phrase {
  const where = point ? `${point.label}${point.location ? `, ${point.location}` : ''}` : a.pointId;
  const when = shortTime(event === 'raised' ? a.raisedAt : a.updatedAt, tz);
  switch (event) {
    case 'raised':
      return phrase('sms.alarm.raised', { site, where, when, id: a.id });
    case 'failed':
      return phrase('sms.alarm.failed', { id: a.id, where });
    case 'acknowledged':
      return phrase('sms.alarm.acknowledged', { id: a.id, where, by: a.acknowledgedBy ?? '?', when });
    case 'cleared':
      return phrase('sms.alarm.cleared', { id: a.id, where, when });
  }
}

export function alarmSms(a: Alarm, point: Point | undefined, event: AlarmSmsEvent, lang: SmsLanguage, site: string, tz?: string): string {
  return renderPhrase(alarmSmsPhrase(a, point, event, site, tz), lang);
}

/** The answer to an SMS command (sms-inbox.ts), before it is put in words. */
export type CommandReply =
  /** `faults`: the open faults' keys (gsm:gsm0:no-sim): short, and the same in any language. */
  | { kind: 'status'; site: string; node: string; health: 'ok' | 'degraded' | 'down'; open: Array<{ id: string; pointId: string; state: AlarmState }>; faults: string[] }
  | { kind: 'acknowledged'; alarmId: string; by: string }
  /** The alarm's state and who acknowledged it, when it exists. */
  | { kind: 'not-acknowledged'; alarmId: string; state?: AlarmState; by?: string | null }
  | { kind: 'no-points' }
  | { kind: 'usage' };

/** " item; item" after a count, or nothing when there is none. */
const items = (list: readonly PhraseParam[]): Phrase | string => (list.length ? phrase('sms.reply.item', { text: phraseList(list) }) : '');

export function commandReplyPhrase(r: CommandReply): Phrase {
  switch (r.kind) {
    case 'status':
      return phrase('sms.reply.status', {
        site: r.site, node: r.node, health: phrase(`status.${r.health}`), open: r.open.length, faults: r.faults.length,
        alarms: items(r.open.slice(0, 5).map((a) => phrase('sms.reply.alarm', { id: a.id, point: a.pointId, state: statePhrase(a.state) }))),
        faultList: items(r.faults.slice(0, 3)),
      });
    case 'acknowledged':
      return phrase('sms.reply.acknowledged', { id: r.alarmId, by: r.by });
    case 'not-acknowledged':
      if (r.state === undefined) return phrase('sms.reply.notFound', { id: r.alarmId });
      if (r.state === 'cleared') return phrase('sms.reply.alreadyCleared', { id: r.alarmId });
      if (r.state === 'acknowledged') return phrase('sms.reply.alreadyAcked', { id: r.alarmId, by: r.by ?? '?' });
      return phrase('sms.reply.notAcked', { id: r.alarmId, state: statePhrase(r.state) });
    case 'no-points':
      return phrase('sms.reply.noPoints');
    case 'usage':
      return phrase('sms.reply.usage');
  }
}

export function commandReply(r: CommandReply, lang: SmsLanguage): string {
  return renderPhrase(commandReplyPhrase(r), lang);
}
