// Line-card test helpers: an in-memory serial cable that can be unplugged and
// plugged back (StreamLink cannot reopen), and a driver + simulator rig on a
// ManualClock.
import { Emitter } from '../src/emitter.js';
import type { SerialLink, SerialLinkEvents } from '../src/serial/link.js';
import { LineCard, type LineCardContext } from '../src/serial/linecard/line-card.js';
import type { PortKind } from '../src/serial/linecard/protocol.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { LineCardSim, type LineCardSimOptions } from '../src/sim/serial/line-card-sim.js';
import { quietLog } from './helpers.js';

/** One end of an in-memory cable. Bytes arrive at the peer in a microtask (like a stream, never re-entrantly). */
export class MemoryLink extends Emitter<SerialLinkEvents> implements SerialLink {
  peer!: MemoryLink;
  /** Split every write into pieces of this many bytes (1: byte by byte). */
  chunk = 0;
  private open = false;
  private started = false;
  private plugged = true;

  constructor(readonly path: string) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  start(): void {
    this.started = true;
    this.bringUp();
  }

  write(data: string | Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new Error(`${this.path} is not open`));
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const size = this.chunk > 0 ? this.chunk : buf.length;
    for (let i = 0; i < buf.length; i += size) {
      const piece = buf.subarray(i, i + size);
      queueMicrotask(() => {
        if (this.peer.open) this.peer.emit('data', piece);
      });
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.bringDown('stopped');
  }

  /** The cable is pulled: both ends close. */
  unplug(reason = 'I/O error (device disconnected)'): void {
    this.plugged = this.peer.plugged = false;
    this.bringDown(reason);
    this.peer.bringDown(reason);
  }

  /** The cable is back: started ends open again (what SerialPortLink's reopen does). */
  plug(): void {
    this.plugged = this.peer.plugged = true;
    this.bringUp();
    this.peer.bringUp();
  }

  private bringUp(): void {
    if (!this.started || !this.plugged || this.open) return;
    this.open = true;
    this.emit('open');
  }

  private bringDown(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.emit('close', reason);
  }
}

export function memoryCable(path = '/dev/ttyLC0'): [host: MemoryLink, card: MemoryLink] {
  const host = new MemoryLink(path);
  const card = new MemoryLink('sim');
  host.peer = card;
  card.peer = host;
  return [host, card];
}

export interface Rig {
  clock: ManualClock;
  t0: number;
  host: MemoryLink;
  cardEnd: MemoryLink;
  sim: LineCardSim;
  card: LineCard;
  /** "fault line-cut 2", "fault-cleared card-silent", "port 1 off-hook", "status ok" */
  events: string[];
  details: string[];
}

export const DEFAULT_PORTS: PortKind[] = ['FXS', 'FXS', 'FXO', 'FXO'];

export async function rig(
  opts: { ports?: PortKind[]; sim?: Partial<LineCardSimOptions>; card?: Partial<LineCardContext> } = {},
): Promise<Rig> {
  const clock = new ManualClock();
  const [host, cardEnd] = memoryCable();
  const sim = new LineCardSim(cardEnd, { ports: opts.ports ?? DEFAULT_PORTS, model: 'LC4-T', firmware: '2.1.0', clock, ...opts.sim });
  const card = new LineCard(host, { id: 'lc0', log: quietLog, clock, ...opts.card });
  const events: string[] = [];
  const details: string[] = [];
  card.on('port', (s) => events.push(`port ${s.port} ${s.kind === 'FXS' ? `${s.hook}${s.battery ? '' : ' nobat'}` : `${s.line} ${s.volts}`}`));
  card.on('fault', (f) => {
    events.push(`fault ${f.code}${f.port ? ` ${f.port}` : ''}`);
    details.push(f.detail);
  });
  card.on('fault-cleared', (f) => events.push(`fault-cleared ${f.code}${f.port ? ` ${f.port}` : ''}`));
  card.on('status', (s) => events.push(`status ${s.status}`));
  sim.start();
  card.start();
  await clock.advance(0);
  return { clock, t0: clock.now(), host, cardEnd, sim, card, events, details };
}

/** Take the events recorded so far and start a fresh list. */
export function drain(list: string[]): string[] {
  return list.splice(0, list.length);
}
