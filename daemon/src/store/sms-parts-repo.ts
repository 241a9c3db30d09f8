// The parts of outgoing SMS (table sms_parts, migration 8): which went out,
// under which network reference, and what their status reports said.
import type { Queryable } from './db.js';

export type SmsPartStatus = 'sent' | 'delivered' | 'failed';

export interface SmsPart {
  smsId: number;
  part: number;
  parts: number;
  modem: string;
  concatRef: number | null;
  /** TP-MR from +CMGS (-1 when the modem gave none). */
  mr: number;
  status: SmsPartStatus;
  tpSt: number | null;
  updatedAt: string;
}

interface Raw {
  sms_id: number; part: number; parts: number; modem: string; concat_ref: number | null; mr: number; status: SmsPartStatus; tp_st: number | null; updated_at: string;
}
const fromRaw = (r: Raw): SmsPart => ({ smsId: r.sms_id, part: r.part, parts: r.parts, modem: r.modem, concatRef: r.concat_ref, mr: r.mr, status: r.status, tpSt: r.tp_st, updatedAt: r.updated_at });

export class SmsPartsRepo {
  constructor(private readonly db: Queryable) {}

  /** The parts of a message that went out, by part number. */
  async of(smsId: number): Promise<SmsPart[]> {
    return (await this.db.all<Raw>('SELECT * FROM sms_parts WHERE sms_id = ? ORDER BY part', [smsId])).map(fromRaw);
  }

  /** Parts the network took, as sent (awaiting their reports). */
  async record(smsId: number, modem: string, parts: number, concatRef: number | null, sent: Array<{ part: number; mr: number }>, at = new Date().toISOString()): Promise<void> {
    for (const p of sent) {
      await this.db.run(
        `INSERT INTO sms_parts(sms_id, part, parts, modem, concat_ref, mr, status, tp_st, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'sent', NULL, ?)
         ON CONFLICT(sms_id, part) DO UPDATE SET parts = excluded.parts, modem = excluded.modem, concat_ref = excluded.concat_ref, mr = excluded.mr, status = 'sent', tp_st = NULL, updated_at = excluded.updated_at`,
        [smsId, p.part, parts, modem, concatRef, p.mr, at],
      );
    }
  }

  /** Forget the parts of an attempt (the message goes again, whole, from another modem). */
  async clear(smsId: number): Promise<void> {
    await this.db.run('DELETE FROM sms_parts WHERE sms_id = ?', [smsId]);
  }

  /** The part awaiting its report under this network reference (the newest: references wrap at 256). */
  async byRef(modem: string, mr: number): Promise<SmsPart | undefined> {
    const r = await this.db.get<Raw>("SELECT * FROM sms_parts WHERE modem = ? AND mr = ? AND status = 'sent' ORDER BY sms_id DESC LIMIT 1", [modem, mr]);
    return r && fromRaw(r);
  }

  async settle(smsId: number, part: number, status: 'delivered' | 'failed', tpSt: number, at = new Date().toISOString()): Promise<void> {
    await this.db.run('UPDATE sms_parts SET status = ?, tp_st = ?, updated_at = ? WHERE sms_id = ? AND part = ?', [status, tpSt, at, smsId, part]);
  }
}
