// A simulated analog line card on the far end of a byte pipe: an in-process
// Duplex, or a SerialLink on the other end of a socat pty pair, so the real
// driver (and, over a pty, the real serialport stack) runs unchanged against
// it (STYLE.md 6). It implements the card side of the line-card management
// protocol (hardware/README.md) with the same codec the driver uses.
//
// Tests and the simulation mode drive the analog side (setHook, ring,
// setLineVoltage, cutLine, setBattery, reboot) and inject what real cards and
// cables do: line noise, a truncated line, a bad checksum, slowness, and a
// card that stops answering.
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../../clock.js';
import type { SerialLink } from '../../serial/link.js';
import { LineSplitter } from '../../serial/linecard/line-splitter.js';
import { record } from '../bounded-log.js';
import {
  encodeError,
  encodeEvent,
  encodeReply,
  parseLine,
  type PortKind,
  type PortReport,
  type Reply,
  type Request,
} from '../../serial/linecard/protocol.js';

export interface LineCardSimOptions {
  /** Port kinds in port order (port 1 first). */
  ports: PortKind[];
  model?: string;
  firmware?: string;
  clock?: Clock;
  /** Seed of garbage()'s byte generator. */
  seed?: number;
  /** Controller restart time after RESET or reboot(). Default 300 ms. */
  bootMs?: number;
  /** An FXO voltage change this large is reported without a state change. Default 2 V. */
  reportDeltaV?: number;
}

interface FxsPort {
  kind: 'FXS';
  offHook: boolean;
  ringing: boolean;
  battery: boolean;
}
interface FxoPort {
  kind: 'FXO';
  volts: number;
  ringing: boolean;
  /** Held off hook by the card (a call on the line). */
  seized: boolean;
}
type SimPort = FxsPort | FxoPort;

const ON_HOOK_V = 48;
const OFF_HOOK_V = 8;
const NO_LINE_BELOW_V = 3;

/** mulberry32: a small seeded PRNG so a garbage() run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LineCardSim {
  /** Lines received from the host, as on the wire (without CR LF). */
  readonly received: string[] = [];
  /** Lines sent, as on the wire (CR LF included, after quirks). */
  readonly sent: string[] = [];
  /** Lines from the host dropped: bad checksum, or not a request. */
  readonly dropped = { badChecksum: 0, invalid: 0 };
  private readonly clock: Clock;
  private readonly model: string;
  private readonly firmware: string;
  private readonly bootMs: number;
  private readonly deltaV: number;
  private readonly random: () => number;
  private readonly splitter = new LineSplitter();
  private readonly state: SimPort[];
  private reported: (PortReport | undefined)[] = [];
  private bootAt: number;
  private booting = false;
  private mute = false;
  private delayMs = 0;
  private truncate = false;
  private corrupt = false;
  private detach: (() => void) | undefined;

  constructor(
    private readonly end: SerialLink | Duplex,
    opts: LineCardSimOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.model = opts.model ?? `LC${opts.ports.length}-SIM`;
    this.firmware = opts.firmware ?? '1.0.0';
    this.bootMs = opts.bootMs ?? 300;
    this.deltaV = opts.reportDeltaV ?? 2;
    this.random = prng(opts.seed ?? 1);
    this.state = opts.ports.map((kind): SimPort => (kind === 'FXS' ? { kind, offHook: false, ringing: false, battery: true } : { kind, volts: ON_HOOK_V, ringing: false, seized: false }));
    this.bootAt = this.clock.now();
  }

  /** Listen on the end (and open it, for a SerialLink). The card is already running: no !BOOT. */
  start(): void {
    if (this.detach) return;
    this.reported = this.state.map((_, i) => this.report(i + 1));
    const onData = (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    if (isDuplex(this.end)) {
      const d = this.end;
      d.on('data', onData);
      this.detach = () => d.off('data', onData);
    } else {
      const offs = [this.end.on('data', onData), this.end.on('open', () => this.splitter.reset())];
      this.detach = () => offs.forEach((off) => off());
      this.end.start();
    }
  }

  async stop(): Promise<void> {
    this.detach?.();
    this.detach = undefined;
    if (!isDuplex(this.end)) await this.end.stop();
  }

  get portCount(): number {
    return this.state.length;
  }

  /** What the card would report for a port now. */
  report(port: number): PortReport {
    const p = this.get(port);
    if (p.kind === 'FXS') return { port, kind: 'FXS', hook: p.offHook ? 'off-hook' : p.ringing ? 'ringing' : 'on-hook', battery: p.battery };
    const line = Math.abs(p.volts) < NO_LINE_BELOW_V ? 'no-line' : p.ringing ? 'ringing' : p.seized ? 'in-use' : 'idle';
    return { port, kind: 'FXO', line, volts: p.volts };
  }

  // ------------------------------------------------------------ the analog side

  /** FXS: the phone's handset (off hook stops ringing: ring trip). FXO: the card seizes or releases the line. */
  setHook(port: number, hook: 'off' | 'on'): void {
    const p = this.get(port);
    if (p.kind === 'FXS') {
      p.offHook = hook === 'off';
      if (p.offHook) p.ringing = false;
    } else {
      p.seized = hook === 'off';
      p.ringing = false;
      if (Math.abs(p.volts) >= NO_LINE_BELOW_V) p.volts = p.seized ? OFF_HOOK_V : ON_HOOK_V;
    }
    this.changed(port);
  }

  /** FXS: the card rings the phone (not while off hook). FXO: ringing voltage arrives on the exchange line. */
  ring(port: number, on: boolean): void {
    const p = this.get(port);
    if (p.kind === 'FXS' && p.offHook && on) return;
    if (p.kind === 'FXO' && p.seized && on) return;
    p.ringing = on;
    this.changed(port);
  }

  /** FXO tip-ring voltage (negative: reversed polarity). Below 3 V the card reports NOLINE. */
  setLineVoltage(port: number, volts: number): void {
    this.fxo(port).volts = volts;
    this.changed(port);
  }

  cutLine(port: number): void {
    const p = this.fxo(port);
    p.volts = 0;
    p.ringing = false;
    this.changed(port);
  }

  /** FXS loop battery (the card's -48 V feed to the phone). */
  setBattery(port: number, present: boolean): void {
    const p = this.get(port);
    if (p.kind !== 'FXS') throw new Error(`line card sim: port ${port} is FXO, battery is FXS only`);
    p.battery = present;
    this.changed(port);
  }

  /** The controller restarts (watchdog, power blip): silent for bootMs, then !BOOT. */
  reboot(cause = 'WDT'): void {
    this.booting = true;
    this.clock.setTimeout(() => {
      this.booting = false;
      this.bootAt = this.clock.now();
      for (const p of this.state) {
        p.ringing = false;
        if (p.kind === 'FXO' && p.seized) {
          p.seized = false;
          if (Math.abs(p.volts) >= NO_LINE_BELOW_V) p.volts = ON_HOOK_V;
        }
      }
      this.reported = this.state.map((_, i) => this.report(i + 1));
      this.send(encodeEvent({ what: 'BOOT', model: this.model, firmware: this.firmware, ports: this.state.length, cause }));
    }, this.bootMs);
  }

  // ------------------------------------------------------------ quirks

  /** Line noise: `n` random bytes, no line end (the next line runs into them). */
  garbage(n = 16): void {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(this.random() * 256);
    this.write(bytes);
  }

  /** The next line loses its second half (checksum included) but keeps its CR LF. */
  truncateNext(): void {
    this.truncate = true;
  }

  /** The next line goes out with a wrong checksum. */
  corruptChecksumNext(): void {
    this.corrupt = true;
  }

  /** Delay everything the card sends by `ms` (0: back to normal). */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /** A hung controller: nothing answered, nothing reported. */
  silent(on: boolean): void {
    this.mute = on;
  }

  // ------------------------------------------------------------ the wire

  private onData(chunk: Buffer): void {
    for (const line of this.splitter.push(chunk)) {
      record(this.received, line);
      if (this.mute || this.booting) continue;
      const msg = parseLine(line);
      switch (msg.kind) {
        case 'request':
          this.handle(msg.seq, msg.request);
          break;
        case 'unknown':
          if (msg.seq === undefined) this.dropped.invalid++;
          else this.send(encodeError(msg.seq, 'BADCMD', `unknown command ${msg.verb}`));
          break;
        case 'invalid':
          // A garbled request is dropped, never guessed at: the host times out and asks again.
          if (msg.error === 'checksum') this.dropped.badChecksum++;
          else if (msg.seq !== undefined) this.send(encodeError(msg.seq, 'BADARG', msg.reason));
          else this.dropped.invalid++;
          break;
        case 'reply':
        case 'error':
        case 'event':
          this.dropped.invalid++;
          break;
      }
    }
  }

  private handle(seq: number, req: Request): void {
    if ('port' in req && req.port > this.state.length) {
      this.send(encodeError(seq, 'BADPORT', `no port ${req.port} (card has ${this.state.length})`));
      return;
    }
    const ok = (reply: Reply) => this.send(encodeReply(seq, reply));
    switch (req.cmd) {
      case 'ID':
        return ok({ what: 'ID', model: this.model, firmware: this.firmware, ports: this.state.length });
      case 'INV':
        return ok({ what: 'INV', kinds: this.state.map((p) => p.kind) });
      case 'STATE': {
        const r = this.report(req.port);
        this.reported[req.port - 1] = r;
        return ok({ what: 'STATE', state: r });
      }
      case 'RESET-PORT': {
        const p = this.get(req.port);
        ok({ what: 'RESET-PORT', port: req.port });
        p.ringing = false;
        if (p.kind === 'FXO' && p.seized) {
          p.seized = false;
          if (Math.abs(p.volts) >= NO_LINE_BELOW_V) p.volts = ON_HOOK_V;
        }
        return this.changed(req.port);
      }
      case 'RESET-CARD':
        ok({ what: 'RESET-CARD' });
        return this.reboot('CMD');
      case 'PING':
        return ok({ what: 'PONG', uptimeS: Math.floor((this.clock.now() - this.bootAt) / 1000) });
    }
  }

  /** Send !PORT when what the host last heard differs (state, battery, or the voltage by ≥ deltaV). */
  private changed(port: number): void {
    if (this.mute || this.booting) return;
    const now = this.report(port);
    const was = this.reported[port - 1];
    const differs =
      !was ||
      (now.kind === 'FXS'
        ? was.kind !== 'FXS' || was.hook !== now.hook || was.battery !== now.battery
        : was.kind !== 'FXO' || was.line !== now.line || Math.abs(was.volts - now.volts) >= this.deltaV);
    if (!differs) return;
    this.reported[port - 1] = now;
    this.send(encodeEvent({ what: 'PORT', state: now }));
  }

  private send(line: string): void {
    let out = line;
    if (this.corrupt) {
      this.corrupt = false;
      const star = out.lastIndexOf('*');
      const hh = parseInt(out.slice(star + 1, star + 3), 16) ^ 0x5a;
      out = `${out.slice(0, star + 1)}${hh.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
    }
    if (this.truncate) {
      this.truncate = false;
      out = `${out.slice(0, Math.floor(out.length / 2))}\r\n`;
    }
    record(this.sent, out);
    const buf = Buffer.from(out, 'latin1');
    if (this.delayMs > 0) this.clock.setTimeout(() => this.write(buf), this.delayMs);
    else this.write(buf);
  }

  private write(buf: Buffer): void {
    if (isDuplex(this.end)) {
      if (!this.end.destroyed && this.end.writable) this.end.write(buf);
    } else if (this.end.isOpen) {
      // A card with nobody listening talks into the void.
      this.end.write(buf).catch(() => undefined);
    }
  }

  private get(port: number): SimPort {
    const p = this.state[port - 1];
    if (!p) throw new Error(`line card sim: no port ${port} (card has ${this.state.length})`);
    return p;
  }

  private fxo(port: number): FxoPort {
    const p = this.get(port);
    if (p.kind !== 'FXO') throw new Error(`line card sim: port ${port} is FXS, line voltage is FXO only`);
    return p;
  }
}

function isDuplex(end: SerialLink | Duplex): end is Duplex {
  return typeof (end as Duplex).pipe === 'function';
}
