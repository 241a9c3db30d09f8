// USSD (3GPP TS 27.007 §7.15 +CUSD, TS 22.090): balance and top-up codes.
//
// AT+CUSD=1,"*100#",15 is answered OK at once; the network's text comes
// later as "+CUSD: <m>[,"<str>",<dcs>]" (most modems), or before the OK
// (some firmware) — both are accepted. <m>: 0 done, 1 the network wants a
// reply (a menu: we take its text and close the session with AT+CUSD=2),
// 2 ended by the network, 3 answered by another client, 4 not supported,
// 5 network timeout. <dcs> is the CBS data coding scheme (TS 23.038 §5):
// 72 (0x48) and 17 (0x11, with a language prefix) are UCS2, given as hex.
// One request at a time: the modem has one USSD session.
import type { Clock, Cancel } from '../../clock.js';
import { describeResult, lineWith, type SendAt } from './results.js';
import type { UssdResult } from './types.js';

const ANSWER_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 10_000;

const RESULT_TEXT: Record<number, string> = {
  2: 'the network ended the USSD session',
  3: 'another client answered the USSD session',
  4: 'the network does not support this USSD code',
  5: 'the network did not answer the USSD request (network timeout)',
};

/** Parse the arguments of +CUSD: `0,"Balance: 12.30 CNY",15`. */
export function parseCusd(args: string): { m: number; text?: string; dcs?: number } | undefined {
  const match = /^\s*(\d+)\s*(?:,\s*"((?:[^"]|"")*)"\s*(?:,\s*(\d+))?)?/.exec(args);
  if (!match) return undefined;
  const out: { m: number; text?: string; dcs?: number } = { m: Number(match[1]) };
  if (match[3] !== undefined) out.dcs = Number(match[3]);
  if (match[2] !== undefined) out.text = decodeUssdText(match[2], out.dcs);
  return out;
}

function decodeUssdText(raw: string, dcs: number | undefined): string {
  const ucs2 = dcs === 0x48 || dcs === 0x11 || (dcs !== undefined && (dcs & 0xcc) === 0x48);
  if (ucs2 && /^([0-9A-Fa-f]{4})+$/.test(raw)) {
    let text = '';
    for (let i = 0; i < raw.length; i += 4) text += String.fromCharCode(parseInt(raw.slice(i, i + 4), 16));
    return dcs === 0x11 ? text.slice(1) : text; // 0x11: the first character is the language
  }
  return raw;
}

export class UssdClient {
  private chain: Promise<unknown> = Promise.resolve();
  private waiting: { resolve: (r: UssdResult) => void; cancel: Cancel } | undefined;

  constructor(
    private readonly send: SendAt,
    private readonly clock: Clock,
  ) {}

  /** Only digits, * and # (what a keypad can send); 1–64 characters. */
  static valid(code: string): boolean {
    return /^[0-9*#]{1,64}$/.test(code);
  }

  request(code: string): Promise<UssdResult> {
    if (!UssdClient.valid(code)) {
      return Promise.resolve({ ok: false, error: `invalid USSD code ${JSON.stringify(code)}: only digits, * and # are allowed` });
    }
    const run = (): Promise<UssdResult> => this.run(code);
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** A +CUSD URC (or response line) arrived. */
  onCusd(args: string): void {
    const w = this.waiting;
    if (!w) return;
    const parsed = parseCusd(args);
    if (!parsed) return;
    this.waiting = undefined;
    w.cancel();
    if ((parsed.m === 0 || parsed.m === 1) && parsed.text !== undefined) {
      if (parsed.m === 1) void this.send('AT+CUSD=2'); // a menu waits for our reply: close it
      w.resolve({ ok: true, text: parsed.text });
      return;
    }
    w.resolve({ ok: false, error: RESULT_TEXT[parsed.m] ?? `USSD ended without text (+CUSD: ${args})` });
  }

  /** The port went away: a pending request ends. */
  abort(reason: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.cancel();
    w?.resolve({ ok: false, error: reason });
  }

  private async run(code: string): Promise<UssdResult> {
    const answer = new Promise<UssdResult>((resolve) => {
      const cancel = this.clock.setTimeout(() => {
        if (this.waiting?.resolve !== resolve) return;
        this.waiting = undefined;
        void this.send('AT+CUSD=2');
        resolve({ ok: false, error: `no USSD answer from the network within ${ANSWER_TIMEOUT_MS / 1000} s` });
      }, ANSWER_TIMEOUT_MS);
      this.waiting = { resolve, cancel };
    });
    const r = await this.send(`AT+CUSD=1,"${code}",15`, { timeoutMs: COMMAND_TIMEOUT_MS, prefix: '+CUSD:' });
    if (r.kind !== 'ok') {
      this.abort(`USSD ${code} refused: ${describeResult(r, COMMAND_TIMEOUT_MS)}`);
      return answer;
    }
    const inline = lineWith(r, '+CUSD:');
    if (inline) this.onCusd(inline.replace(/^\+CUSD:\s*/i, ''));
    return answer;
  }
}
