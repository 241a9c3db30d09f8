// Voice call state for the GSM failover trunk, from URCs (3GPP TS 27.007):
// RING (§6.11) repeats every few seconds while a call is offered, +CLIP
// (§7.6, enabled with AT+CLIP=1) follows it with the caller's number (empty
// when withheld); NO CARRIER / BUSY / NO ANSWER (V.250 §6.3.1) end a call,
// and SIM7x00's "VOICE CALL: END" too. Some networks let an unanswered call
// simply stop ringing, so a ringing call with no RING for RING_GONE_MS is
// taken as ended. The audio itself does not pass through here.
//
// Control: ATD<number>; (V.250 §6.3.1, ";" = voice) answers OK at once and
// the call's end comes later as NO CARRIER / BUSY / NO ANSWER; ATA answers
// a ringing call; ATH hangs up (27.007 §6.5: ends all calls on these modems).
import type { Cancel, Clock } from '../../clock.js';
import type { Urc } from '../at/types.js';
import { describeResult, type SendAt } from './results.js';
import type { CallEvent, CallResult } from './types.js';

/** How long after RING we wait for +CLIP before reporting the call without a number. */
const CLIP_WAIT_MS = 1000;
/** Networks ring every 3–6 s: no RING for this long ends the offer. */
const RING_GONE_MS = 10_000;
const CALL_COMMAND_TIMEOUT_MS = 30_000;

export type CallPhase = 'idle' | 'ringing' | 'dialing' | 'active';

export class CallTracker {
  phase: CallPhase = 'idle';
  /** The caller of the current incoming call, when known. */
  from: string | undefined;
  private announced = false;
  private clipWait: Cancel | undefined;
  private ringGone: Cancel | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: CallEvent) => void,
    private readonly send: SendAt,
  ) {}

  async dial(number: string): Promise<CallResult> {
    if (!/^\+?[0-9*#]{1,40}$/.test(number)) return { ok: false, error: `invalid number to dial ${JSON.stringify(number)}` };
    if (this.phase !== 'idle') return { ok: false, error: `a call is already ${this.phase}` };
    this.dialing(number);
    const r = await this.send(`ATD${number};`, { timeoutMs: CALL_COMMAND_TIMEOUT_MS });
    if (r.kind === 'ok') return { ok: true };
    const error = describeResult(r, CALL_COMMAND_TIMEOUT_MS);
    this.end(error);
    return { ok: false, error: `dialling ${number} failed: ${error}` };
  }

  async answer(): Promise<CallResult> {
    if (this.phase !== 'ringing') return { ok: false, error: 'no call is ringing' };
    const r = await this.send('ATA', { timeoutMs: CALL_COMMAND_TIMEOUT_MS });
    if (r.kind !== 'ok') return { ok: false, error: `answering failed: ${describeResult(r, CALL_COMMAND_TIMEOUT_MS)}` };
    this.answered();
    return { ok: true };
  }

  async hangup(): Promise<CallResult> {
    const r = await this.send('ATH');
    this.end('hung up');
    return r.kind === 'ok' ? { ok: true } : { ok: false, error: `hanging up failed: ${describeResult(r)}` };
  }

  onUrc(u: Urc): void {
    switch (u.name) {
      case 'RING':
      case '+CRING':
        this.onRing();
        return;
      case '+CLIP':
        this.onClip(u.args);
        return;
      case 'NO CARRIER':
      case 'BUSY':
      case 'NO ANSWER':
      case 'NO DIALTONE':
        this.end(u.name.toLowerCase());
        return;
      case 'VOICE CALL':
        if (/END/i.test(u.args)) this.end('no carrier');
        else if (/BEGIN/i.test(u.args) && this.phase === 'dialing') this.phase = 'active';
        return;
      default:
        return;
    }
  }

  private dialing(to: string): void {
    this.reset();
    this.phase = 'dialing';
    this.emit({ kind: 'dialing', to });
  }

  private answered(): void {
    this.clearTimers();
    this.phase = 'active';
    this.emit({ kind: 'answered' });
  }

  /** Our hang-up, a failed dial, or the port going away. */
  end(reason: string): void {
    if (this.phase === 'idle') return;
    const wasAnnounced = this.announced || this.phase !== 'ringing';
    this.reset();
    if (wasAnnounced) this.emit({ kind: 'ended', reason });
  }

  stop(): void {
    this.reset();
  }

  private onRing(): void {
    if (this.phase === 'idle') {
      this.phase = 'ringing';
      this.from = undefined;
      this.announced = false;
      this.clipWait = this.clock.setTimeout(() => this.announce(), CLIP_WAIT_MS);
    }
    if (this.phase !== 'ringing') return;
    this.ringGone?.();
    this.ringGone = this.clock.setTimeout(() => this.end('the caller hung up (ringing stopped)'), RING_GONE_MS);
  }

  private onClip(args: string): void {
    // +CLIP: "<number>",<type>[,<subaddr>,<satype>,<alpha>,<CLI validity>]
    const number = /^\s*"([^"]*)"/.exec(args)?.[1] ?? '';
    if (this.phase === 'idle') this.onRing(); // +CLIP before RING (some firmware)
    if (this.phase !== 'ringing') return;
    if (number !== '' && number !== this.from) {
      this.from = number;
      this.announce();
    } else if (!this.announced) this.announce();
  }

  private announce(): void {
    this.clipWait?.();
    this.clipWait = undefined;
    if (this.phase !== 'ringing') return;
    const first = !this.announced;
    this.announced = true;
    if (first || this.from !== undefined) this.emit(this.from === undefined ? { kind: 'ringing' } : { kind: 'ringing', from: this.from });
  }

  private clearTimers(): void {
    this.clipWait?.();
    this.ringGone?.();
    this.clipWait = undefined;
    this.ringGone = undefined;
  }

  private reset(): void {
    this.clearTimers();
    this.phase = 'idle';
    this.from = undefined;
    this.announced = false;
  }
}
