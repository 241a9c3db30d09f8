// SIM state and the PIN (3GPP TS 27.007 §8.3 +CPIN).
//
// A SIM allows three wrong PINs and then wants its PUK; a daemon that retried
// a wrong PIN on every modem reconnect would lock the card within minutes.
// So the configured PIN is entered at most once: when the SIM refuses it, the
// refused value is remembered for the life of the process and never sent
// again — after a reopen of the port, a modem reboot or a re-initialisation —
// until retry() (an operator's explicit action) or a different PIN is set.
// Where it is not known whether the PIN was taken (a timeout), it counts as
// refused. The PIN itself never goes into a log line, a status or a fault.
import type { Logger } from 'pino';
import { sleep, type Clock } from '../../clock.js';
import type { GsmFault, SimState } from './types.js';
import { describeResult, lineWith, type SendAt } from './results.js';

export interface SimCheck {
  sim: SimState;
  /** A SIM fault (no-sim, pin-required, wrong-pin, sim-puk), or none when the SIM is usable. */
  fault?: GsmFault;
}

const PIN_TIMEOUT_MS = 10_000;
/** After a PIN is taken the SIM needs a moment before +CPIN? says READY (SIM busy meanwhile). */
const READY_POLLS = 10;
const READY_POLL_MS = 500;

const fault = (code: GsmFault['code'], detail: string): GsmFault => ({ code, detail });

export class SimUnlocker {
  /** The PIN value the SIM refused (or that may have been taken silently): never sent again. */
  private refused: string | undefined;
  /** How the SIM refused it ("incorrect password"), for the fault detail. */
  private refusedWhy = '';

  constructor(
    private readonly send: SendAt,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly pin: () => string | undefined,
  ) {}

  /** Allow the configured PIN to be tried once more (an operator asked for it). */
  retry(): void {
    this.refused = undefined;
  }

  /** True when the configured PIN was refused and is held back. */
  get pinHeldBack(): boolean {
    const pin = this.pin();
    return pin !== undefined && pin === this.refused;
  }

  /** Read the SIM state and, when it asks for the PIN and may be given it, enter the PIN once. */
  async check(): Promise<SimCheck> {
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
    const pin = this.pin();
    if (pin === undefined || pin === '') {
      return { sim: 'pin', fault: fault('pin-required', 'the SIM needs a PIN and none is configured') };
    }
    if (pin === this.refused) return { sim: 'pin', fault: this.wrongPin() };
    if (!/^\d{4,8}$/.test(pin)) {
      // Not sent: it cannot be right, and a refusal would cost an attempt.
      return { sim: 'pin', fault: fault('wrong-pin', 'the configured PIN is not 4–8 digits; it was not sent') };
    }
    this.log.info('entering the SIM PIN');
    const r = await this.send(`AT+CPIN="${pin}"`, { timeoutMs: PIN_TIMEOUT_MS });
    if (r.kind === 'disconnected') return { sim: 'pin' }; // not written (the port went away): nothing spent
    if (r.kind === 'ok') {
      for (let i = 0; i < READY_POLLS; i++) {
        const s = await this.readCpin();
        if (s.kind === 'code' && s.code === 'READY') return { sim: 'ready' };
        await sleep(this.clock, READY_POLL_MS);
      }
      return { sim: 'ready' }; // accepted; the SIM is still busy, the poll will see it ready
    }
    this.refused = pin;
    const why = describeResult(r, PIN_TIMEOUT_MS);
    this.refusedWhy = why;
    this.log.error({ reason: why }, 'the SIM did not accept the PIN: it will not be entered again automatically');
    const after = await this.readCpin();
    if (after.kind === 'code' && after.code === 'READY') {
      this.refused = undefined; // taken after all (the answer was lost)
      return { sim: 'ready' };
    }
    if (after.kind === 'code' && after.code === 'SIM PUK') {
      return { sim: 'puk', fault: fault('sim-puk', `the SIM refused the PIN (${why}) and is now blocked: unlock it with its PUK in a phone`) };
    }
    return { sim: 'pin', fault: this.wrongPin() };
  }

  private wrongPin(): GsmFault {
    return fault(
      'wrong-pin',
      `the SIM refused the configured PIN (${this.refusedWhy}); it is not tried again automatically (a SIM locks after three wrong PINs): correct the PIN or retry it`,
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
