// SIM PINs per modem (table gsm_sim_pins, migration 9): the PIN a person
// entered, and the PIN the card refused — as a fingerprint only.
import type { Queryable } from './db.js';

export interface EnteredPin {
  pin: string;
  /** The card it was entered for, when the modem could tell. */
  iccid: string | null;
  by: string;
  at: string;
}

export interface PinRefusal {
  iccid: string | null;
  salt: string;
  hash: string;
  /** 'config' or 'entered <time>': which PIN it was. */
  source: string;
  why: string;
  at: string;
}

export interface SimPinRow {
  modem: string;
  entered: EnteredPin | null;
  refusal: PinRefusal | null;
}

interface Raw {
  modem: string; pin: string | null; pin_iccid: string | null; pin_by: string | null; pin_at: string | null;
  refused_iccid: string | null; refused_salt: string | null; refused_hash: string | null; refused_source: string | null; refused_why: string | null; refused_at: string | null;
}

const fromRaw = (r: Raw): SimPinRow => ({
  modem: r.modem,
  entered: r.pin !== null && r.pin_at !== null ? { pin: r.pin, iccid: r.pin_iccid, by: r.pin_by ?? '?', at: r.pin_at } : null,
  refusal: r.refused_hash !== null && r.refused_at !== null ? { iccid: r.refused_iccid, salt: r.refused_salt ?? '', hash: r.refused_hash, source: r.refused_source ?? '', why: r.refused_why ?? '', at: r.refused_at } : null,
});

export class SimPinsRepo {
  constructor(private readonly db: Queryable) {}

  async get(modem: string): Promise<SimPinRow> {
    const r = await this.db.get<Raw>('SELECT * FROM gsm_sim_pins WHERE modem = ?', [modem]);
    return r ? fromRaw(r) : { modem, entered: null, refusal: null };
  }

  /** A person's PIN for this modem's card; an earlier refusal no longer holds (they chose to try it). */
  async enter(modem: string, e: EnteredPin): Promise<void> {
    await this.db.run(
      `INSERT INTO gsm_sim_pins(modem, pin, pin_iccid, pin_by, pin_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(modem) DO UPDATE SET pin = excluded.pin, pin_iccid = excluded.pin_iccid, pin_by = excluded.pin_by, pin_at = excluded.pin_at,
         refused_iccid = NULL, refused_salt = NULL, refused_hash = NULL, refused_source = NULL, refused_why = NULL, refused_at = NULL`,
      [modem, e.pin, e.iccid, e.by, e.at],
    );
  }

  async refuse(modem: string, f: PinRefusal): Promise<void> {
    await this.db.run(
      `INSERT INTO gsm_sim_pins(modem, refused_iccid, refused_salt, refused_hash, refused_source, refused_why, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(modem) DO UPDATE SET refused_iccid = excluded.refused_iccid, refused_salt = excluded.refused_salt, refused_hash = excluded.refused_hash,
         refused_source = excluded.refused_source, refused_why = excluded.refused_why, refused_at = excluded.refused_at`,
      [modem, f.iccid, f.salt, f.hash, f.source, f.why, f.at],
    );
  }

  async clearRefusal(modem: string): Promise<void> {
    await this.db.run('UPDATE gsm_sim_pins SET refused_iccid = NULL, refused_salt = NULL, refused_hash = NULL, refused_source = NULL, refused_why = NULL, refused_at = NULL WHERE modem = ?', [modem]);
  }
}
