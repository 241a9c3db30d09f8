// SMS sent and received (table sms, migration 5). An outgoing message is a
// row before the modem sees it; an incoming one is a row before the modem's
// copy is deleted.
import type { Sms, SmsStatus } from '../contracts/lines.js';
import type { Phrase } from '../contracts/phrase.js';
import type { Queryable } from './db.js';
import { phraseFromColumn, phraseToColumn } from './phrase-column.js';

interface Raw {
  id: number; direction: 'in' | 'out'; modem: string; peer: string; text: string; status: SmsStatus; alarm_id: string | null; refs: string | null; detail: string | null; phrase: string | null; sent_at: string | null; tag: string | null; created_at: string; updated_at: string;
}
const fromRaw = (r: Raw): Sms => ({
  id: r.id, direction: r.direction, modem: r.modem, peer: r.peer, text: r.text, status: r.status, alarmId: r.alarm_id,
  refs: r.refs ? (JSON.parse(r.refs) as number[]) : [], detail: r.detail, phrase: phraseFromColumn(r.phrase), sentAt: r.sent_at, tag: r.tag, createdAt: r.created_at, updatedAt: r.updated_at,
});

export class SmsRepo {
  constructor(private readonly db: Queryable) {}

  async insert(m: Pick<Sms, 'direction' | 'modem' | 'peer' | 'text' | 'status'> & { alarmId?: string | null; detail?: string | null; phrase?: Phrase | null; sentAt?: string | null; tag?: string | null }, at = new Date().toISOString()): Promise<Sms> {
    const r = await this.db.get<Raw>(
      'INSERT INTO sms(direction, modem, peer, text, status, alarm_id, detail, phrase, sent_at, tag, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
      [m.direction, m.modem, m.peer, m.text, m.status, m.alarmId ?? null, m.detail ?? null, phraseToColumn(m.phrase), m.sentAt ?? null, m.tag ?? null, at, at],
    );
    return fromRaw(r!);
  }

  /** A new `detail` replaces the phrase too (none when not given with it): the two say the same. */
  async update(id: number, patch: { status?: SmsStatus; refs?: number[]; detail?: string | null; phrase?: Phrase | null; alarmId?: string | null; modem?: string }, at = new Date().toISOString()): Promise<void> {
    const cols: Array<[string, unknown]> = [['updated_at', at]];
    if (patch.status) cols.push(['status', patch.status]);
    if (patch.refs) cols.push(['refs', JSON.stringify(patch.refs)]);
    if (patch.detail !== undefined) cols.push(['detail', patch.detail], ['phrase', phraseToColumn(patch.phrase)]);
    if (patch.alarmId !== undefined) cols.push(['alarm_id', patch.alarmId]);
    if (patch.modem !== undefined) cols.push(['modem', patch.modem]);
    await this.db.run(`UPDATE sms SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...cols.map(([, v]) => v), id]);
  }

  async byId(id: number): Promise<Sms | undefined> {
    const r = await this.db.get<Raw>('SELECT * FROM sms WHERE id = ?', [id]);
    return r && fromRaw(r);
  }

  /** Outgoing messages not yet handed to a modem, alarm texts first, then oldest first. */
  async queued(): Promise<Sms[]> {
    return (await this.db.all<Raw>("SELECT * FROM sms WHERE direction = 'out' AND status = 'queued' ORDER BY alarm_id IS NULL, id")).map(fromRaw);
  }

  /** Whether this text (by tag) was already queued for this number. */
  async hasOut(alarmId: string, peer: string, tag: string): Promise<boolean> {
    return !!(await this.db.get("SELECT 1 FROM sms WHERE direction = 'out' AND alarm_id = ? AND peer = ? AND tag = ? LIMIT 1", [alarmId, peer, tag]));
  }

  /**
   * The same inbound message stored before (offered again by the modem): same
   * sender, text and service-centre timestamp; without a timestamp, the same
   * sender and text within the last 10 minutes.
   */
  async sameInbound(peer: string, sentAt: string | null, text: string, now = Date.now()): Promise<Sms | undefined> {
    const r = sentAt
      ? await this.db.get<Raw>("SELECT * FROM sms WHERE direction = 'in' AND peer = ? AND sent_at = ? AND text = ? ORDER BY id DESC LIMIT 1", [peer, sentAt, text])
      : await this.db.get<Raw>("SELECT * FROM sms WHERE direction = 'in' AND peer = ? AND sent_at IS NULL AND text = ? AND created_at > ? ORDER BY id DESC LIMIT 1", [peer, text, new Date(now - 10 * 60_000).toISOString()]);
    return r && fromRaw(r);
  }

  async recent(limit: number): Promise<Sms[]> {
    return (await this.db.all<Raw>('SELECT * FROM sms ORDER BY id DESC LIMIT ?', [limit])).map(fromRaw);
  }
}
