// A small file, its space taken at start, where alarms the database cannot
// take (a full disk, a failing card) are kept until it can: overwriting bytes
// a file already owns needs no new blocks on ext4 (or tmpfs), so it works on
// a full disk. (A copy-on-write file system — btrfs, f2fs — may refuse even
// that; the alarms are then held in memory only, and the log says so.)
//
// Two slots, written alternately, each: magic, sequence number, length,
// SHA-256 of the payload, the payload (JSON). A write that a power cut
// interrupts spoils one slot; the other still holds the state before it.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

export const RESERVE_FILE = 'alarm-reserve.bin';
export const SLOT_BYTES = 128 * 1024;
const HEADER = 4 + 4 + 4 + 32;
const MAGIC = 0x43505231; // 'CPR1'

export class ReserveFull extends Error {}

export class ReserveFile {
  private seq = 0;

  private constructor(private readonly fh: FileHandle) {}

  /**
   * Open the file, taking its full size now (zeros written and synced) if it
   * is new or short. Fails when even that is impossible (a disk full at start).
   */
  static async open(path: string): Promise<ReserveFile> {
    const fh = await open(path, 'a+').then(async (h) => {
      await h.close();
      return open(path, 'r+');
    });
    try {
      const size = (await fh.stat()).size;
      if (size < 2 * SLOT_BYTES) {
        await fh.write(Buffer.alloc(2 * SLOT_BYTES - size), 0, 2 * SLOT_BYTES - size, size);
        await fh.sync();
      }
      const r = new ReserveFile(fh);
      r.seq = (await r.newest())?.seq ?? 0;
      return r;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** The last state saved, or undefined when there is none. */
  async load<T>(): Promise<{ seq: number; state: T } | undefined> {
    const n = await this.newest();
    return n && { seq: n.seq, state: JSON.parse(n.payload.toString('utf8')) as T };
  }

  /** Save a state (in place, synced). Throws ReserveFull when it does not fit a slot. */
  async save(state: unknown): Promise<number> {
    const payload = Buffer.from(JSON.stringify(state), 'utf8');
    if (payload.length > SLOT_BYTES - HEADER) throw new ReserveFull(`${payload.length} bytes do not fit the reserve (${SLOT_BYTES - HEADER})`);
    const seq = ++this.seq;
    const head = Buffer.alloc(HEADER);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(seq, 4);
    head.writeUInt32LE(payload.length, 8);
    createHash('sha256').update(payload).digest().copy(head, 12);
    const at = (seq % 2) * SLOT_BYTES;
    await this.fh.write(Buffer.concat([head, payload]), 0, HEADER + payload.length, at);
    await this.fh.datasync();
    return seq;
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  private async newest(): Promise<{ seq: number; payload: Buffer } | undefined> {
    let best: { seq: number; payload: Buffer } | undefined;
    for (const at of [0, SLOT_BYTES]) {
      const buf = Buffer.alloc(SLOT_BYTES);
      const { bytesRead } = await this.fh.read(buf, 0, SLOT_BYTES, at);
      if (bytesRead < HEADER || buf.readUInt32LE(0) !== MAGIC) continue;
      const seq = buf.readUInt32LE(4);
      const len = buf.readUInt32LE(8);
      if (len > SLOT_BYTES - HEADER) continue;
      const payload = buf.subarray(HEADER, HEADER + len);
      if (!createHash('sha256').update(payload).digest().equals(buf.subarray(12, 44))) continue;
      if (!best || seq > best.seq) best = { seq, payload: Buffer.from(payload) };
    }
    return best;
  }
}
