// One inbound event-socket connection: auth, commands, subscriptions,
// filters, event delivery. Reply texts from api-replies.raw / auth-wrong.raw
// and the call captures; those not captured are marked "not captured".
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { EmittedEvent } from './events.js';
import { apiResponse, authRequest, commandReply, disconnectNotice, eventJson, eventPlain } from './wire.js';

export interface SessionHost {
  password: string;
  onCommand(text: string): void;
  api(command: string, args: string): Promise<string>;
  /** BACKGROUND_JOB for a bgapi (fired to every subscriber). */
  backgroundJob(jobUuid: string, command: string, args: string, result: string): void;
  /** The API event FreeSWITCH fires after each api command. */
  apiEvent(command: string, args: string): void;
  sendmsg(uuid: string, headers: Map<string, string>): string;
  closed(s: EslSession): void;
  /** Resolves when commands may be answered (a frozen switch answers nothing until it thaws). */
  gate(): Promise<void>;
}

type Format = 'plain' | 'json';

export class EslSession {
  private buf = '';
  private authed = false;
  private format: Format | undefined;
  private all = false;
  private readonly enabled = new Set<string>();
  private readonly disabled = new Set<string>();
  private readonly subclasses = new Set<string>();
  private readonly filters: Array<[string, string]> = [];
  private myUuid: string | undefined;
  private closing = false;
  /** FreeSWITCH answers one command at a time, in order: an api waits for its result. */
  private readonly queue: Array<[string, Map<string, string>]> = [];
  private draining = false;

  constructor(private readonly socket: Socket, private readonly host: SessionHost) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    socket.on('close', () => host.closed(this));
    this.write(authRequest());
  }

  private write(b: Buffer): void {
    if (!this.socket.destroyed && !this.closing) this.socket.write(b);
  }

  /** Close politely with the disconnect notice, as after a wrong password or `exit`. */
  private goodbye(): void {
    this.write(disconnectNotice());
    this.closing = true;
    this.socket.end();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    // Commands are text lines; tolerate CRLF.
    this.buf += d.toString('utf8').replace(/\r\n/g, '\n');
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) {
        void this.drain();
        return;
      }
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 2);
      const lines = block.split('\n').filter((l) => l.length > 0);
      const first = lines.shift();
      if (first === undefined) continue;
      const headers = new Map<string, string>();
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
      }
      this.host.onCommand(first);
      this.queue.push([first.trim(), headers]);
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next && !this.closing; next = this.queue.shift()) {
        await this.host.gate();
        await this.command(next[0], next[1]);
      }
    } finally {
      this.draining = false;
    }
  }

  private async command(line: string, headers: Map<string, string>): Promise<void> {
    const sp = line.indexOf(' ');
    const verb = (sp < 0 ? line : line.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : line.slice(sp + 1).trim();
    if (!this.authed) {
      if (verb === 'auth') {
        if (rest === this.host.password) {
          this.authed = true;
          this.write(commandReply('+OK accepted'));
        } else {
          this.write(commandReply('-ERR invalid'));
          this.goodbye();
        }
        return;
      }
      // Not captured: mod_event_socket answers any other command before auth with -ERR invalid and keeps the connection.
      this.write(commandReply('-ERR invalid'));
      return;
    }
    switch (verb) {
      case 'auth':
        this.write(commandReply('+OK accepted'));
        return;
      case 'api': {
        const [cmd = '', args = ''] = split(rest);
        const r = await this.host.api(cmd, args);
        this.write(apiResponse(r));
        this.host.apiEvent(cmd, args);
        return;
      }
      case 'bgapi': {
        const [cmd = '', args = ''] = split(rest);
        const job = headers.get('job-uuid') ?? randomUUID();
        this.write(commandReply(`+OK Job-UUID: ${job}`, [['Job-UUID', job]]));
        void this.host.api(cmd, args).then((r) => this.host.backgroundJob(job, cmd, args, r));
        return;
      }
      case 'event':
      case 'myevents': {
        let words = rest.split(/\s+/).filter(Boolean);
        let fmt: Format = 'plain';
        if (verb === 'myevents') {
          // myevents [plain|json] <uuid>  (or myevents <uuid> [plain|json])
          const f = words.find((w) => w === 'plain' || w === 'json' || w === 'xml');
          if (f === 'json') fmt = 'json';
          this.myUuid = words.find((w) => w !== f);
          if (!this.myUuid) return this.write(commandReply('-ERR Usage: myevents <uuid>'));
          this.format = fmt;
          this.all = true;
          return this.write(commandReply('+OK Events Enabled'));
        }
        const f = words[0];
        if (f === 'plain' || f === 'json') { fmt = f; words = words.slice(1); } else if (f === 'xml') {
          return this.write(commandReply('-ERR xml format not supported by this emulator'));
        }
        this.format = fmt;
        this.addNames(words);
        return this.write(commandReply(`+OK event listener enabled ${fmt}`));
      }
      case 'nixevent': {
        for (const w of rest.split(/\s+/).filter(Boolean)) {
          if (w === 'ALL') { this.all = false; this.enabled.clear(); this.subclasses.clear(); continue; }
          this.enabled.delete(w);
          this.subclasses.delete(w);
          if (this.all) this.disabled.add(w);
        }
        return this.write(commandReply('+OK events nixed'));
      }
      case 'noevents':
        this.format = undefined;
        this.all = false;
        this.enabled.clear();
        this.disabled.clear();
        this.subclasses.clear();
        this.myUuid = undefined;
        return this.write(commandReply('+OK no longer listening for events'));
      case 'filter': {
        const words = rest.split(/\s+/).filter(Boolean);
        if (words[0] === 'delete') {
          const [, h, ...v] = words;
          if (h === 'all' || h === undefined) this.filters.splice(0);
          else {
            const val = v.join(' ');
            for (let i = this.filters.length - 1; i >= 0; i--) {
              const f = this.filters[i];
              if (f && f[0] === h && (!val || f[1] === val)) this.filters.splice(i, 1);
            }
          }
          return this.write(commandReply(`+OK filter deleted. [${h ?? 'all'}]=[${v.join(' ')}]`));
        }
        const [h, ...v] = words;
        if (!h || !v.length) return this.write(commandReply('-ERR invalid syntax'));
        this.filters.push([h, v.join(' ')]);
        return this.write(commandReply(`+OK filter added. [${h}]=[${v.join(' ')}]`));
      }
      case 'linger':
        return this.write(commandReply('+OK will linger'));
      case 'nolinger':
        return this.write(commandReply('+OK will not linger'));
      case 'exit':
        this.write(commandReply('+OK bye'));
        return this.goodbye();
      case 'sendmsg': {
        const uuid = rest || headers.get('unique-id') || '';
        return this.write(commandReply(this.host.sendmsg(uuid, headers)));
      }
      default:
        this.write(commandReply('-ERR command not found'));
    }
  }

  private addNames(words: string[]): void {
    let custom = false;
    for (const w of words) {
      if (w === 'ALL') { this.all = true; this.disabled.clear(); continue; }
      if (w === 'CUSTOM') { custom = true; this.enabled.add('CUSTOM'); continue; }
      if (custom && !/^[A-Z_]+$/.test(w)) { this.subclasses.add(w); continue; }
      this.enabled.add(w);
      this.disabled.delete(w);
    }
  }

  private wants(ev: EmittedEvent): boolean {
    if (!this.format) return false;
    const name = ev.name;
    if (this.disabled.has(name)) return false;
    let ok = this.all || this.enabled.has(name);
    if (!ok && name === 'CUSTOM' && ev.subclass && this.subclasses.has(ev.subclass)) ok = true;
    if (name === 'CUSTOM' && !this.all && this.subclasses.size && ev.subclass && !this.subclasses.has(ev.subclass)) ok = false;
    if (!ok) return false;
    if (this.myUuid && ev.get('Unique-ID') !== this.myUuid && ev.get('Other-Leg-Unique-ID') !== this.myUuid) return false;
    if (this.filters.length) {
      return this.filters.some(([h, v]) => {
        const actual = ev.get(h);
        if (actual === undefined) return false;
        if (v.startsWith('/') && v.endsWith('/') && v.length > 1) {
          try { return new RegExp(v.slice(1, -1)).test(actual); } catch { return false; }
        }
        return actual === v;
      });
    }
    return true;
  }

  deliver(ev: EmittedEvent): void {
    if (!this.authed || !this.wants(ev)) return;
    this.write(this.format === 'json' ? eventJson(ev) : eventPlain(ev));
  }
}

function split(s: string): [string, string] {
  const i = s.indexOf(' ');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
