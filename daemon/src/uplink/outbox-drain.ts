// Draining the outbox over one MQTT connection at a time.
//
// Rows go out in seq order, QoS 1, at most `window` unacknowledged at once.
// A row is deleted only after its PUBACK (the mqtt.js publish callback);
// deletions are batched into one statement per burst of PUBACKs so a backlog
// does not cost one fsync per message. Within a connection a row is published
// once: the cursor only moves forward. Rows are read a page ahead; a row
// trimmed by retention after it was read may still go out (harmless: central
// gets one more call record). When the connection goes, what was in
// flight is forgotten and the next connection starts again from the oldest
// row still stored — at-least-once; central de-duplicates by envelope id.
// Rows PUBACKed but not yet deleted are skipped, not sent twice.
import type { Logger } from '../log/logger.js';
import type { OutboxRepo, OutboxRow } from '../store/outbox-repo.js';

/** Publish at QoS 1; `done` runs on PUBACK (no error) or when the publish cannot complete. */
export type Publish = (topic: string, payload: string, done: (err?: Error) => void) => void;

export class OutboxDrain {
  private publish: Publish | undefined;
  /** Bumped on every attach/detach: callbacks of an earlier connection cannot touch this one's window. */
  private gen = 0;
  /** Highest seq read from the outbox on this connection. */
  private cursor = 0;
  /** Rows read, not yet published (a page of the outbox). */
  private ahead: OutboxRow[] = [];
  private readonly inflight = new Set<number>();
  /** PUBACKed, delete pending. */
  private readonly acked = new Set<number>();
  private toDelete: number[] = [];
  private deleting: Promise<void> | undefined;
  private pumping = false;
  private again = false;
  /** Messages PUBACKed since start, for the logs. */
  delivered = 0;

  constructor(
    private readonly outbox: OutboxRepo,
    private readonly topicFor: (row: OutboxRow) => string,
    private readonly window: number,
    private readonly log: Logger,
  ) {}

  get inFlight(): number {
    return this.inflight.size;
  }

  /** A connection is up: start from the oldest stored row. */
  attach(publish: Publish): void {
    this.gen++;
    this.publish = publish;
    this.cursor = 0;
    this.ahead = [];
    this.inflight.clear();
    this.notify();
  }

  /** The connection is gone: what was in flight will be sent again on the next one. */
  detach(): void {
    this.gen++;
    this.publish = undefined;
    this.ahead = [];
    this.inflight.clear();
  }

  /** New rows may be there, or room in the window. */
  notify(): void {
    void this.pump();
  }

  /** Wait until every PUBACK received so far is reflected in the database. */
  async settle(): Promise<void> {
    while (this.deleting) await this.deleting;
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        await this.fill();
      } while (this.again);
    } catch (err) {
      this.log.error({ err }, 'cannot read the outbox');
    } finally {
      this.pumping = false;
    }
  }

  private async fill(): Promise<void> {
    while (this.publish && this.inflight.size < this.window) {
      if (!this.ahead.length) {
        const gen = this.gen;
        // Read ahead in pages: one query per page, not one per freed slot of the window.
        const rows = await this.outbox.peek(Math.max(this.window * 4, 200), this.cursor);
        if (gen !== this.gen || !this.publish) return; // the connection changed while reading; attach() pumps again
        if (!rows.length) return;
        this.ahead = rows;
        this.cursor = rows[rows.length - 1]!.seq;
      }
      const publish = this.publish;
      const gen = this.gen;
      while (this.ahead.length && this.inflight.size < this.window) {
        const row = this.ahead.shift()!;
        if (this.acked.has(row.seq)) continue;
        this.inflight.add(row.seq);
        publish(this.topicFor(row), JSON.stringify(row.envelope), (err) => this.done(row.seq, gen, err));
      }
    }
  }

  private done(seq: number, gen: number, err: Error | undefined): void {
    if (!err) {
      // The broker has it, whichever connection carried it: delete.
      this.delivered++;
      if (!this.acked.has(seq)) {
        this.acked.add(seq);
        this.toDelete.push(seq);
        this.deleting ??= this.deleteAcked();
      }
    } else if (gen === this.gen) {
      this.log.debug({ seq, err: err.message }, 'publish not acknowledged; it is sent again after reconnecting');
    }
    if (gen === this.gen && this.inflight.delete(seq) && !err) this.notify();
  }

  private async deleteAcked(): Promise<void> {
    try {
      while (this.toDelete.length) {
        const batch = this.toDelete;
        this.toDelete = [];
        try {
          await this.outbox.acknowledgeMany(batch);
          for (const s of batch) this.acked.delete(s);
        } catch (err) {
          // Kept in `acked`, so this process does not send them again; a restart would (at-least-once).
          this.log.error({ err, rows: batch.length }, 'cannot delete acknowledged outbox rows');
          return;
        }
      }
    } finally {
      this.deleting = undefined;
    }
  }
}
