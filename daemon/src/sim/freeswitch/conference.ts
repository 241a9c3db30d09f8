// A tiny mod_conference: members join with &conference(name), are listed,
// muted, kicked, hung up. Events, their order, header layouts and reply texts
// follow conference-plain.raw (daemon/test/fixtures/freeswitch, real
// FreeSWITCH 1.10.12): CUSTOM conference::maintenance with the channel block
// (no variables) on member events, the conference's own PRESENCE_IN (proto
// conf, no channel block), floor changes, and member ids that count up for the
// life of the switch. The emulator plays no sounds, so the profile's
// play-file / play-file-done events are not emitted.
import type { CallEngine } from './call-engine.js';
import type { Channel } from './channel.js';
import type { EventFactory, EmittedEvent } from './events.js';
import { randomUUID } from 'node:crypto';

interface Conf {
  name: string;
  uuid: string;
  members: Map<number, string>;
  floor: number | undefined;
  presenceCount: number;
}

export class Conferences {
  private readonly confs = new Map<string, Conf>();
  /** mod_conference numbers members globally, not per conference. */
  private nextId = 1;

  constructor(private readonly engine: CallEngine, private readonly factory: EventFactory, private readonly emit: (e: EmittedEvent) => void) {}

  private head(conf: Conf): Record<string, string> {
    return {
      'Conference-Name': conf.name, 'Conference-Domain': this.engine.domain, 'Conference-Size': String(conf.members.size),
      'Conference-Ghosts': '0', 'Conference-Profile-Name': 'default', 'Conference-Unique-ID': conf.uuid,
    };
  }

  private member(conf: Conf, c: Channel): Record<string, string> {
    const m = c.conference;
    return {
      Floor: String(conf.floor === m?.memberId), Video: 'false', Hear: 'true', See: 'true', Speak: String(!m?.muted), Talking: 'false',
      'Mute-Detect': 'false', Hold: 'false', 'Member-ID': String(m?.memberId ?? ''), 'Member-Type': 'member', 'Member-Ghost': 'false',
      'Energy-Level': '100', 'Current-Energy': '0',
    };
  }

  /** A member event: add-member, del-member, mute-member, unmute-member, kick-member. */
  private memberEvent(conf: Conf, action: string, c: Channel): void {
    this.emit(this.factory.make('CUSTOM', { subclass: 'conference::maintenance', channel: c, extra: { ...this.head(conf), ...this.member(conf, c), Action: action } }));
  }

  private confEvent(conf: Conf, action: string): void {
    this.emit(this.factory.make('CUSTOM', { subclass: 'conference::maintenance', extra: { ...this.head(conf), Action: action } }));
  }

  private floorChange(conf: Conf, to: Channel | undefined): void {
    const old = conf.floor === undefined ? 'none' : String(conf.floor);
    conf.floor = to?.conference?.memberId;
    if (to) {
      this.emit(this.factory.make('CUSTOM', {
        subclass: 'conference::maintenance', layout: 'conference floor-change', channel: to,
        extra: { ...this.head(conf), Action: 'floor-change', 'Old-ID': old, ...this.member(conf, to), 'New-ID': String(conf.floor) },
      }));
    } else {
      this.emit(this.factory.make('CUSTOM', { subclass: 'conference::maintenance', layout: 'conference floor-change', extra: { ...this.head(conf), Action: 'floor-change', 'Old-ID': old, 'New-ID': 'none' } }));
    }
  }

  /** The conference's presence (its "line" on a BLF key). */
  private presence(conf: Conf): void {
    const n = conf.members.size;
    const active = n > 0;
    this.emit(this.factory.make('PRESENCE_IN', {
      layout: 'PRESENCE_IN conference',
      extra: {
        proto: 'conf', login: conf.name, from: `${conf.name}@${this.engine.domain}`, event_type: 'presence', alt_event_type: 'dialog',
        event_count: String(conf.presenceCount++), 'unique-id': conf.name, 'force-status': active ? `Active (${n} caller${n === 1 ? '' : 's'})` : 'Inactive',
        'channel-state': active ? 'CS_ROUTING' : 'CS_HANGUP', 'answer-state': !active ? 'terminated' : n === 1 ? 'early' : 'confirmed',
        // The inactive form names this header differently (conference-plain.raw).
        ...(active ? { 'presence-call-direction': n === 1 ? 'outbound' : 'inbound' } : { 'call-direction': 'inbound' }),
      },
    }));
  }

  join(c: Channel, nameArg: string): void {
    const name = nameArg.split('@')[0] ?? nameArg;
    let conf = this.confs.get(name);
    if (!conf) {
      conf = { name, uuid: randomUUID(), members: new Map(), floor: undefined, presenceCount: 0 };
      this.confs.set(name, conf);
      this.confEvent(conf, 'conference-create');
    }
    const id = this.nextId++;
    conf.members.set(id, c.uuid);
    c.conference = { name, memberId: id, muted: false };
    c.vars.set('conference_name', name);
    c.vars.set('conference_member_id', String(id));
    this.memberEvent(conf, 'add-member', c);
    this.presence(conf);
    if (conf.floor === undefined) this.floorChange(conf, c);
  }

  /** A member's leg hangs up (called after its CHANNEL_HANGUP, as mod_conference sees it go). */
  leave(c: Channel): void {
    const m = c.conference;
    if (!m) return;
    const conf = this.confs.get(m.name);
    if (!conf) {
      c.conference = undefined;
      return;
    }
    conf.members.delete(m.memberId);
    if (conf.floor === m.memberId) {
      const next = [...conf.members.values()].map((u) => this.engine.channels.get(u)).find((x) => !!x);
      this.floorChange(conf, next);
    }
    this.presence(conf);
    this.memberEvent(conf, 'del-member', c);
    c.conference = undefined;
    if (conf.members.size === 0) {
      this.confs.delete(conf.name);
      // The conference thread ends after the last leg is gone.
      setImmediate(() => {
        this.presence(conf);
        this.confEvent(conf, 'conference-destroy');
      });
    }
  }

  /** Forget every conference (FreeSWITCH died). */
  reset(): void {
    this.confs.clear();
  }

  list(): string[] {
    return [...this.confs.keys()];
  }

  /** `conference <name> <cmd> [id]` → the api reply (texts of mod_conference's conference_api.c). */
  api(args: string[]): string {
    const [name = '', cmd = 'list', idArg] = args;
    const conf = this.confs.get(name);
    if (!conf) return `-ERR Conference ${name} not found\n`;
    const member = (): Channel | undefined => {
      const uuid = conf.members.get(Number(idArg));
      return uuid ? this.engine.channels.get(uuid) : undefined;
    };
    switch (cmd) {
      case 'list': {
        // Newest member first; the caller id shown is the leg's current one (flipped on answer).
        let out = '';
        for (const [id, uuid] of [...conf.members].reverse()) {
          const c = this.engine.channels.get(uuid);
          if (!c) continue;
          const flags = ['hear', ...(c.conference?.muted ? [] : ['speak']), ...(conf.floor === id ? ['floor'] : [])].join('|');
          out += `${id};${c.name};${uuid};${c.callerIdName ?? ''};${c.callerIdNumber};${flags};0;0;100\n`;
        }
        return out;
      }
      case 'mute':
      case 'unmute': {
        const c = member();
        if (!c?.conference) return `-ERR Member: ${idArg ?? ''} not found.\n`;
        c.conference.muted = cmd === 'mute';
        this.memberEvent(conf, cmd === 'mute' ? 'mute-member' : 'unmute-member', c);
        return `+OK ${cmd} ${idArg ?? ''}\n`;
      }
      case 'kick':
      case 'hup': {
        const c = member();
        if (!c?.conference) return `-ERR Member: ${idArg ?? ''} not found.\n`;
        // The member leaves the conference first; its leg then ends its application and hangs up.
        if (cmd === 'kick') this.memberEvent(conf, 'kick-member', c);
        setImmediate(() => {
          if (!this.engine.channels.has(c.uuid)) return;
          this.leave(c);
          this.engine.executeComplete(c);
          this.engine.hangup(c, 'NORMAL_CLEARING');
        });
        return `+OK ${cmd === 'kick' ? 'kicked' : 'hup'} ${idArg ?? ''}\n`;
      }
      default:
        return `-ERR Unknown conference command ${cmd}\n`;
    }
  }
}
