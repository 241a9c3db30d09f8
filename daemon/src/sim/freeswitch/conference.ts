// A tiny mod_conference: members join with &conference(name), are listed,
// muted, kicked, hung up; CUSTOM conference::maintenance events tell about it.
// Reply texts and the maintenance event layout are NOT in the captures: they
// are our understanding of FreeSWITCH 1.10 (see the report).
import type { CallEngine } from './call-engine.js';
import type { Channel } from './channel.js';
import type { EventFactory, EmittedEvent } from './events.js';
import { randomUUID } from 'node:crypto';

interface Conf {
  name: string;
  uuid: string;
  nextId: number;
  members: Map<number, string>;
}

export class Conferences {
  private readonly confs = new Map<string, Conf>();

  constructor(private readonly engine: CallEngine, private readonly factory: EventFactory, private readonly emit: (e: EmittedEvent) => void) {}

  private event(conf: Conf, action: string, c?: Channel, extra: Record<string, string> = {}): void {
    const m = c?.conference;
    this.emit(this.factory.make('CUSTOM', {
      subclass: 'conference::maintenance',
      channel: c,
      extra: {
        'Conference-Name': conf.name, 'Conference-Domain': this.engine.domain, 'Conference-Size': String(conf.members.size),
        'Conference-Ghosts': '0', 'Conference-Profile-Name': 'default', 'Conference-Unique-ID': conf.uuid,
        ...(m ? {
          Hear: 'true', See: 'true', Speak: String(!m.muted), Talking: 'false', 'Mute-Detect': 'false',
          'Member-ID': String(m.memberId), 'Member-Type': 'member', 'Member-Ghost': 'false', 'Energy-Level': '100', 'Current-Energy': '0',
        } : {}),
        Action: action, ...extra,
      },
    }));
  }

  join(c: Channel, nameArg: string): void {
    const name = nameArg.split('@')[0] ?? nameArg;
    let conf = this.confs.get(name);
    const created = !conf;
    if (!conf) {
      conf = { name, uuid: randomUUID(), nextId: 1, members: new Map() };
      this.confs.set(name, conf);
    }
    const id = conf.nextId++;
    conf.members.set(id, c.uuid);
    c.conference = { name, memberId: id, muted: false };
    c.vars.set('conference_name', name);
    c.vars.set('conference_member_id', String(id));
    if (created) this.event(conf, 'conference-create');
    this.event(conf, 'add-member', c);
  }

  /** A member's leg hangs up or leaves. */
  leave(c: Channel): void {
    const m = c.conference;
    if (!m) return;
    const conf = this.confs.get(m.name);
    c.conference = undefined;
    if (!conf) return;
    conf.members.delete(m.memberId);
    c.conference = m; // keep for the event's member headers
    this.event(conf, 'del-member', c);
    c.conference = undefined;
    if (conf.members.size === 0) {
      this.event(conf, 'conference-destroy');
      this.confs.delete(conf.name);
    }
  }

  /** Forget every conference (FreeSWITCH died). */
  reset(): void {
    this.confs.clear();
  }

  list(): string[] {
    return [...this.confs.keys()];
  }

  /** `conference <name> <cmd> [id]` → the api reply. */
  api(args: string[]): string {
    const [name = '', cmd = 'list', idArg] = args;
    const conf = this.confs.get(name);
    if (!conf) return `Conference ${name} not found\n`;
    const member = (): Channel | undefined => {
      const uuid = conf.members.get(Number(idArg));
      return uuid ? this.engine.channels.get(uuid) : undefined;
    };
    switch (cmd) {
      case 'list': {
        let out = '';
        for (const [id, uuid] of conf.members) {
          const c = this.engine.channels.get(uuid);
          if (!c) continue;
          const flags = ['hear', ...(c.conference?.muted ? [] : ['speak'])].join('|');
          out += `${id};${c.name};${uuid};${c.callerIdName ?? ''};${c.callerIdNumber};${flags};0;0;100\n`;
        }
        return out;
      }
      case 'mute':
      case 'unmute': {
        const c = member();
        if (!c?.conference) return 'Non-Existant ID ' + (idArg ?? '') + '\n';
        c.conference.muted = cmd === 'mute';
        this.event(conf, cmd === 'mute' ? 'mute-member' : 'unmute-member', c);
        return `OK ${cmd} ${idArg ?? ''}\n`;
      }
      case 'kick':
      case 'hup': {
        const c = member();
        if (!c?.conference) return 'Non-Existant ID ' + (idArg ?? '') + '\n';
        if (cmd === 'kick') this.event(conf, 'kick-member', c);
        this.engine.hangup(c, 'NORMAL_CLEARING');
        return `OK ${cmd === 'kick' ? 'kicked' : 'hup'} ${idArg ?? ''}\n`;
      }
      default:
        return `-ERR Unknown conference command ${cmd}\n`;
    }
  }
}
