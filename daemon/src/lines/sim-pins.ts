// The SIM PIN of one modem, kept in the database (table gsm_sim_pins): the
// PinMemory the GSM driver asks before it enters a PIN (hardware/src/serial/
// gsm/pin-memory.ts says why). A refusal holds across restarts until a person
// enters a PIN — `callpoint gsm pin`, beside a running daemon or without one,
// or the admin form on the Lines page — or another card (another ICCID) is
// in the modem. The PIN is used, never shown: not in a log line, the API, a
// fault or the audit log; a refused one is kept only as a fingerprint.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { SimPinRow } from '../store/sim-pins-repo.js';
import type { Repos, Store } from '../store/store.js';
import type { PinDecision, PinMemory } from '../../../hardware/src/serial/gsm/index.js';

export const PIN_FORMAT = /^\d{4,8}$/;

/** What the UI shows about a modem's PIN (never the PIN). */
export interface PinView {
  /** A PIN a person entered, used instead of the configuration's. */
  entered: { by: string; at: string } | null;
  /** lines.modems[].pin is set. */
  configured: boolean;
}

const fingerprint = (pin: string, salt: string) => createHmac('sha256', salt).update(pin).digest('hex');

function sameFingerprint(pin: string, salt: string, hash: string): boolean {
  const a = Buffer.from(fingerprint(pin, salt), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A person's PIN for `modem`, in the caller's transaction (with its audit
 * row). It is for the card that refused the last PIN when that is known,
 * else for whatever card is in the modem; the refusal no longer holds.
 */
export async function enterSimPin(r: Repos, modem: string, pin: string, by: string, iccid?: string): Promise<{ iccid: string | null }> {
  if (!PIN_FORMAT.test(pin)) throw new Error('a SIM PIN is 4–8 digits');
  const row = await r.simPins.get(modem);
  const card = iccid ?? row.refusal?.iccid ?? null;
  await r.simPins.enter(modem, { pin, iccid: card, by, at: new Date().toISOString() });
  return { iccid: card };
}

export class SimPins implements PinMemory {
  private last: SimPinRow;

  constructor(
    private readonly modem: string,
    private readonly configPin: string | undefined,
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.last = { modem, entered: null, refusal: null };
  }

  async load(): Promise<void> {
    this.last = await this.store.simPins.get(this.modem);
  }

  view(): PinView {
    const e = this.last.entered;
    return { entered: e ? { by: e.by, at: e.at } : null, configured: !!this.configPin };
  }

  async pinFor(iccid: string | undefined): Promise<PinDecision> {
    let row = await this.store.simPins.get(this.modem);
    const refusal = row.refusal;
    if (refusal && iccid !== undefined && refusal.iccid !== null && refusal.iccid !== iccid) {
      // Another card: what the first one refused says nothing about this one.
      await this.store.simPins.clearRefusal(this.modem);
      this.log.info({ modem: this.modem, iccid, was: refusal.iccid }, `another SIM is in modem ${this.modem}: the PIN refusal of SIM ${refusal.iccid} no longer holds`);
      row = { ...row, refusal: null };
    }
    this.last = row;
    // A person's PIN is for the card it was entered for (or any, when that was not known).
    const entered = row.entered && (row.entered.iccid === null || iccid === undefined || row.entered.iccid === iccid) ? row.entered : null;
    const offer = entered ? { pin: entered.pin, source: `entered by ${entered.by} at ${entered.at}` } : this.configPin ? { pin: this.configPin, source: 'config' } : undefined;
    if (!offer) return { kind: 'none' };
    const r = row.refusal;
    if (r && sameFingerprint(offer.pin, r.salt, r.hash)) return { kind: 'held', why: r.why, source: r.source };
    return { kind: 'enter', ...offer };
  }

  async refused(iccid: string | undefined, d: { pin: string; source: string }, why: string): Promise<void> {
    const salt = randomBytes(16).toString('hex');
    await this.store.simPins.refuse(this.modem, { iccid: iccid ?? null, salt, hash: fingerprint(d.pin, salt), source: d.source, why, at: new Date().toISOString() });
    this.last = await this.store.simPins.get(this.modem);
  }

  async accepted(): Promise<void> {
    if (!this.last.refusal) return;
    await this.store.simPins.clearRefusal(this.modem);
    this.last = { ...this.last, refusal: null };
  }

  /** A person entered a PIN (the admin form); the caller audits it. */
  async enter(pin: string, by: string, iccid: string | undefined): Promise<{ iccid: string | null }> {
    const res = await this.store.tx((r) => enterSimPin(r, this.modem, pin, by, iccid));
    this.last = await this.store.simPins.get(this.modem);
    return res;
  }
}
