// SIM state and the PIN (3GPP TS 27.007 §8.3 +CPIN).
//
// A SIM allows three wrong PINs and then wants its PUK; a daemon that retried
// a wrong PIN on every modem reconnect — or on every start of a crash loop —
// would lock the card. So a PIN is entered only when the PinMemory
// (pin-memory.ts) offers it for this card, identified by its ICCID, read
// before the PIN (iccid.ts); a refusal is told to the memory, which outlives
// the process, and also held here — by value, source and card — so that not
// even a memory that cannot write (a full disk) lets it be sent twice.
// Where it is not known whether the PIN was taken (a timeout), it counts as
// refused. The PIN itself never goes into a log line, a status or a fault.
import type { Logger } from 'pino';
import { sleep, type Clock } from '../../clock.js';
import { readIccid } from './iccid.js';
import type { PinDecision, PinMemory } from './pin-memory.js';
import type { GsmFault, SimState } from './types.js';
import { describeResult, lineWith, type SendAt } from './results.js';

export interface SimCheck {
  sim: SimState;
  /** A SIM fault (no-sim, pin-required, wrong-pin, sim-puk), or none when the SIM is usable. */
  fault?: GsmFault;
  /** The card's ICCID when it was read (before the PIN). */
  iccid?: string;
}

const PIN_TIMEOUT_MS = 10_000;
/** After a PIN is taken the SIM needs a moment before +CPIN? says READY (SIM busy meanwhile). */
const READY_POLLS = 10;
const READY_POLL_MS = 500;

const fault = (code: GsmFault['code'], detail: string): GsmFault => ({ code, detail });

type Offered = Extract<PinDecision, { kind: 'enter' }>;

export class SimUnlocker {
  /** What the SIM refused in this process (or may have taken silently): never offered again. */
  private refusedHere: { pin: string; source: string; iccid: string | undefined; why: string } | undefined;
  /** Checks run one after another: a poll and a person's new PIN never both send it. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly send: SendAt,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly memory: PinMemory,
  ) {}

  /** Read the SIM state and, when it asks for the PIN and the memory offers one for this card, enter it once. */
  check(): Promise<SimCheck> {
    const run = (): Promise<SimCheck> => this.checkNow();
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async checkNow(): Promise<SimCheck> {
    const state = await this.readCpin();
    if (state.kind !== 'code') return state.check;
    switch (state.code) {
      case 'READY':
        return { sim: 'ready' };
      case 'SIM PUK':
        return { sim: 'puk', fault: fault('sim-puk', 'the SIM is blocked (PUK required, after three wrong PINs): unlock it with its PUK in a phone') };
      case 'SIM PIN':
        return this.enterPin();
      default:
        return { sim: 'pin', fault: fault('pin-required', `the SIM asks for "${state.code}", which Callpoint does not enter`) };
    }
  }

  private async enterPin(): Promise<SimCheck> {
    const iccid = await readIccid(this.send);
    const card = iccid === undefined ? {} : { iccid };
    const which = iccid === undefined ? 'the SIM (its ICCID cannot be read before the PIN, so a change of card is not recognised)' : `SIM ${iccid}`;
    let d: PinDecision;
    try {
      d = await this.memory.pinFor(iccid);
    } catch (err) {
      // Whether this card refused the PIN before is unknown: entering it could cost the last attempt.
      this.log.error({ err }, 'cannot read the SIM PIN memory: the PIN is not entered');
      return { sim: 'pin', ...card, fault: fault('pin-required', `the PIN memory cannot be read (${err instanceof Error ? err.message : String(err)}): the PIN is not entered until it can`) };
    }
    if (d.kind === 'none') return { sim: 'pin', ...card, fault: fault('pin-required', `${which} needs a PIN and none is configured: enter it on the Lines page or with "callpoint gsm pin"`) };
    if (d.kind === 'held') return { sim: 'pin', ...card, fault: this.wrongPin(which, d.source, d.why) };
    const here = this.refusedHere;
    if (here && here.pin === d.pin && here.source === d.source && (here.iccid === undefined || iccid === undefined || here.iccid === iccid)) {
      return { sim: 'pin', ...card, fault: this.wrongPin(which, here.source, here.why) };
    }
    if (!/^\d{4,8}$/.test(d.pin)) {
      // Not sent: it cannot be right, and a refusal would cost an attempt.
      return { sim: 'pin', ...card, fault: fault('wrong-pin', 'the PIN is not 4–8 digits; it was not sent') };
    }
    return { ...(await this.enter(d, iccid, which)), ...card };
  }

  private async enter(d: Offered, iccid: string | undefined, which: string): Promise<SimCheck> {
    this.log.info({ iccid, source: d.source }, 'entering the SIM PIN');
    const r = await this.send(`AT+CPIN="${d.pin}"`, { timeoutMs: PIN_TIMEOUT_MS });
    if (r.kind === 'disconnected') return { sim: 'pin' }; // not written (the port went away): nothing spent
    if (r.kind === 'ok') {
      await this.remember(() => this.memory.accepted(iccid, d));
      for (let i = 0; i < READY_POLLS; i++) {
        const s = await this.readCpin();
        if (s.kind === 'code' && s.code === 'READY') return { sim: 'ready' };
        await sleep(this.clock, READY_POLL_MS);
      }
      return { sim: 'ready' }; // accepted; the SIM is still busy, the poll will see it ready
    }
    const why = describeResult(r, PIN_TIMEOUT_MS);
    this.refusedHere = { pin: d.pin, source: d.source, iccid, why };
    this.log.error({ reason: why, iccid }, 'the SIM did not accept the PIN: it will not be entered again until a person enters a PIN');
    await this.remember(() => this.memory.refused(iccid, d, why));
    const after = await this.readCpin();
    if (after.kind === 'code' && after.code === 'READY') {
      this.refusedHere = undefined; // taken after all (the answer was lost)
      await this.remember(() => this.memory.accepted(iccid, d));
      return { sim: 'ready' };
    }
    if (after.kind === 'code' && after.code === 'SIM PUK') {
      return { sim: 'puk', fault: fault('sim-puk', `the SIM refused the PIN (${why}) and is now blocked: unlock it with its PUK in a phone`) };
    }
    return { sim: 'pin', fault: this.wrongPin(which, d.source, why) };
  }

  private async remember(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.log.error({ err }, 'cannot record the SIM PIN outcome: held in this process only');
    }
  }

  /** The same words for a refusal just now and one remembered from before: the fault does not change at the next poll. */
  private wrongPin(which: string, source: string, why: string): GsmFault {
    const pin = source === 'config' ? 'the configured PIN' : `the PIN ${source}`;
    return fault(
      'wrong-pin',
      `${which} refused ${pin} (${why}); it is not entered again (a SIM locks after three wrong PINs): enter the right PIN on the Lines page or with "callpoint gsm pin"`,
    );
  }

  /** AT+CPIN? → "READY" / "SIM PIN" / "SIM PUK" / …, or a finished SimCheck for no SIM and failures. */
  private async readCpin(): Promise<{ kind: 'code'; code: string } | { kind: 'done'; check: SimCheck }> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.send('AT+CPIN?', { prefix: '+CPIN:' });
      if (r.kind === 'ok') {
        const line = lineWith(r, '+CPIN:');
        if (line) return { kind: 'code', code: line.replace(/^\+CPIN:\s*/i, '').trim().toUpperCase() };
        return { kind: 'done', check: { sim: 'unknown' } };
      }
      if (r.kind === 'error') {
        // 27.007 §9.2.1: 10 SIM not inserted, 13 SIM failure, 14 SIM busy (retry), 15 SIM wrong.
        if (r.n === 10 || /not inserted/i.test(r.message)) {
          return { kind: 'done', check: { sim: 'absent', fault: fault('no-sim', 'no SIM card (SIM not inserted): insert one and restart the modem') } };
        }
        if (r.n === 13 || r.n === 15) return { kind: 'done', check: { sim: 'absent', fault: fault('no-sim', `the SIM does not work (${r.message})`) } };
        if ((r.n === 14 || /busy/i.test(r.message)) && attempt < 5) {
          await sleep(this.clock, 1000);
          continue;
        }
      }
      this.log.warn({ reason: describeResult(r) }, 'AT+CPIN? gave no SIM state');
      return { kind: 'done', check: { sim: 'unknown' } };
    }
  }
}
