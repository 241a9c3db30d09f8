// Commands by SMS from the on-call list: STATUS and ACK <alarm id>. Parsing
// is strict and forgiving only where phones differ (case, spaces, a
// full-width space or colon from a Chinese keyboard); anything else is
// "not a command" and gets a short usage reply.
export type SmsCommand = { kind: 'status' } | { kind: 'ack'; alarmId: string } | { kind: 'unknown'; text: string };

import { ALARM_ID_RE } from '../contracts/values.js';

export function parseSmsCommand(text: string): SmsCommand {
  const t = text.normalize('NFKC').replace(/[\s:：]+/g, ' ').trim();
  const m = /^(\S+)(?: (.*))?$/.exec(t);
  const word = (m?.[1] ?? '').toUpperCase();
  const rest = (m?.[2] ?? '').trim().toUpperCase();
  if ((word === 'STATUS' || word === '状态') && !rest) return { kind: 'status' };
  if ((word === 'ACK' || word === '确认') && ALARM_ID_RE.test(rest)) return { kind: 'ack', alarmId: rest };
  return { kind: 'unknown', text: t.slice(0, 40) };
}

/** Numbers compare in international form without spaces; +86 138… and 0086138… are the same line. */
export function sameNumber(a: string, b: string): boolean {
  const norm = (n: string) => n.replace(/[\s()-]/g, '').replace(/^00/, '+');
  return norm(a) === norm(b);
}

/** CJK Unified Ideographs (with extension A) and CJK punctuation: text written in Chinese. */
const CHINESE = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]/;

/**
 * The language to answer `from` in: that of the plan the number is on call
 * for (they read its alarm texts), else the sender's own as the message shows
 * it — Chinese characters get Chinese (a +86 number writing "ACK" in Latin
 * letters, or a foreign number, gets English: nothing says they read Chinese).
 */
export function replyLanguage<L extends string>(from: string, text: string, plans: ReadonlyArray<{ to: readonly string[]; language: L }>): L | 'zh-CN' | 'en' {
  const plan = plans.find((p) => p.to.some((n) => sameNumber(n, from)));
  if (plan) return plan.language;
  return CHINESE.test(text) ? 'zh-CN' : 'en';
}
