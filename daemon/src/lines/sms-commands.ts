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
