// The API commands (`api …` / `bgapi …`) and their reply texts
// (api-replies.raw, show-*.json; texts not in the captures are marked).
import type { CallEngine } from './call-engine.js';
import { channelHeaders, variableHeaders, type Channel } from './channel.js';
import { STATUS_TEMPLATE } from './capture-data.js';
import type { Conferences } from './conference.js';
import { localStamp } from './events.js';
import type { Features } from './features.js';
import { parseOriginate, type Originator } from './originate.js';
import type { Phone } from './phone.js';
import { showRegistrations } from './registrations.js';
import { eslUrlEncode } from './wire.js';
import type { SimGateways } from './gateways.js';

export interface ApiContext {
  engine: CallEngine;
  originator: Originator;
  features: Features;
  conferences: Conferences;
  startedAt: number;
  hostname: string;
  /** Registration state of the simulated phones (for sofia_contact). */
  isRegistered: (user: string) => boolean | undefined;
  /** This run's Core-UUID (global variable core_uuid; a new one after crash()). */
  coreUuid: () => string;
  /** The simulated phones and their SIP domain (for show registrations). */
  phones: () => Iterable<Phone>;
  domain: string;
  /** `reloadxml` was run (the emulator fires RELOADXML). */
  reloaded?: () => void;
  /** The configuration's sofia gateways (the trunks' far ends). */
  gateways: SimGateways;
}

function uptime(ms: number): string {
  const us = Math.floor((ms % 1) * 1000);
  let s = Math.floor(ms / 1000);
  const y = Math.floor(s / 31536000); s -= y * 31536000;
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return `${y} years, ${d} days, ${h} hours, ${m} minutes, ${s} seconds, ${Math.floor(ms % 1000)} milliseconds, ${us} microseconds`;
}

export function statusText(ctx: ApiContext): string {
  const e = ctx.engine;
  const vals: Record<string, string> = {
    uptime: uptime(performance.now() - ctx.startedAt), since: String(e.sessionsSinceStartup), count: String(e.channels.size),
    peak: String(e.peakSessions), peak5: String(e.peakSessions),
  };
  return STATUS_TEMPLATE.replace(/\{(\w+)\}/g, (_, k: string) => vals[k] ?? '');
}

function channelRow(c: Channel, host: string): Record<string, string> {
  const created = new Date(Math.floor(c.createdUs / 1000));
  return {
    uuid: c.uuid, direction: c.direction, created: localStamp(created), created_epoch: String(Math.floor(c.createdUs / 1e6)),
    name: c.name, state: c.runState, cid_name: c.callerIdName ?? '', cid_num: c.callerIdNumber, ip_addr: c.networkAddr ?? '',
    dest: c.destination, application: c.application ?? '', application_data: c.applicationData ?? '', dialplan: c.dialplan ?? '',
    context: c.context, read_codec: c.codec ? 'PCMU' : '', read_rate: c.codec ? '8000' : '', read_bit_rate: c.codec ? '64000' : '',
    write_codec: c.codec ? 'PCMU' : '', write_rate: c.codec ? '8000' : '', write_bit_rate: c.codec ? '64000' : '', secure: '',
    hostname: host, presence_id: c.presenceId ?? '', presence_data: '', accountcode: c.phone ?? '', callstate: c.callState,
    callee_name: c.calleeIdName, callee_num: c.calleeIdNumber, callee_direction: c.answeredUs ? 'RECV' : '', call_uuid: c.uuid,
    // initial_cid_*: the caller id the leg was created with, kept after the flip on answer (show-channels-sip.json).
    sent_callee_name: '', sent_callee_num: '', initial_cid_name: c.origCallerIdName ?? c.callerIdName ?? '', initial_cid_num: c.origCallerIdNumber ?? c.callerIdNumber,
    initial_ip_addr: c.networkAddr ?? '', initial_dest: c.destination, initial_dialplan: c.dialplan ?? '', initial_context: c.context,
  };
}

const CHANNEL_KEYS = ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'application', 'application_data', 'dialplan', 'context', 'read_codec', 'read_rate', 'read_bit_rate', 'write_codec', 'write_rate',
  'write_bit_rate', 'secure', 'hostname', 'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num',
  'callee_direction', 'call_uuid', 'sent_callee_name', 'sent_callee_num', 'initial_cid_name', 'initial_cid_num', 'initial_ip_addr',
  'initial_dest', 'initial_dialplan', 'initial_context'];

const CALL_KEYS = ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'call_uuid',
  'hostname', 'sent_callee_name', 'sent_callee_num'];

/** `show channels|calls [as json]`. Empty json is `{"row_count": 0}` exactly (api-replies.raw). */
function show(ctx: ApiContext, what: string, json: boolean): string {
  const chans = [...ctx.engine.channels.values()];
  let rows: Array<Record<string, string>>;
  if (what === 'calls') {
    // One row per call: the leg that is not the B side of a bridge/loopback.
    const seen = new Set<string>();
    rows = [];
    for (const c of chans) {
      if (seen.has(c.uuid)) continue;
      const b = (c.bridgedTo && ctx.engine.channels.get(c.bridgedTo)) || (c.peer && ctx.engine.channels.get(c.peer)) || undefined;
      seen.add(c.uuid);
      if (b) seen.add(b.uuid);
      const a = channelRow(c, ctx.hostname);
      const row: Record<string, string> = {};
      for (const k of CALL_KEYS) row[k] = a[k] ?? '';
      const br = b ? channelRow(b, ctx.hostname) : undefined;
      for (const k of ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
        'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'sent_callee_name', 'sent_callee_num']) {
        row[`b_${k}`] = br?.[k] ?? '';
      }
      row['call_created_epoch'] = b ? (a['created_epoch'] ?? '') : '';
      rows.push(row);
    }
  } else {
    rows = chans.map((c) => channelRow(c, ctx.hostname));
  }
  if (json) return rows.length ? JSON.stringify({ row_count: rows.length, rows }) + '\n' : '{"row_count": 0}\n';
  // Plain `show` output is CSV; NOT in the captures.
  const keys = rows[0] ? Object.keys(rows[0]) : what === 'calls' ? CALL_KEYS : CHANNEL_KEYS;
  return [keys.join(','), ...rows.map((r) => keys.map((k) => r[k] ?? '').join(',')), '', `${rows.length} total.`, ''].join('\n');
}

export async function runApi(ctx: ApiContext, command: string, args: string): Promise<string> {
  const e = ctx.engine;
  const argv = args.split(/\s+/).filter(Boolean);
  const chan = (uuid: string | undefined): Channel | undefined => (uuid ? e.channels.get(uuid) : undefined);
  const NO_CHANNEL = '-ERR No such channel!\n';
  switch (command) {
    case 'status':
      return statusText(ctx);
    case 'show': {
      const what = argv[0] ?? '';
      const json = argv[1] === 'as' && argv[2] === 'json';
      if (what === 'registrations') return showRegistrations(ctx.phones(), { domain: ctx.domain, hostname: ctx.hostname, json });
      if (what !== 'channels' && what !== 'calls') return '-USAGE: show <channels|calls|registrations|...> [as json]\n';
      return show(ctx, what, json);
    }
    case 'sofia_contact': {
      // mod_sofia: `sofia_contact [profile/]user[@domain]` answers the contact
      // URL(s) of a registered user, or exactly "error/user_not_registered"
      // (no newline) when there is none. The contact's form is sofia/<profile>/sip:…
      const user = (argv[0] ?? '').replace(/^[^/]*\//, '').replace(/@.*$/, '');
      if (!user) return '-USAGE: [profile/]<user>@<domain>\n';
      return ctx.isRegistered(user) ? `sofia/internal/sip:${user}@127.0.0.1:5072` : 'error/user_not_registered';
    }
    case 'sofia': {
      // mod_sofia: `sofia xmlstatus gateway [NAME]` (its layout: gateways.ts); the rest of sofia is not emulated.
      if (argv[0] === 'xmlstatus' && argv[1] === 'gateway') return ctx.gateways.xmlStatus(argv[2]);
      return `-ERR sofia ${argv.slice(0, 2).join(' ')} is not emulated\n`;
    }
    case 'originate': {
      const req = parseOriginate(args);
      if (!req) return '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
      return ctx.originator.originate(req);
    }
    case 'uuid_kill': {
      const c = chan(argv[0]);
      if (!c) return NO_CHANNEL;
      e.hangup(c, argv[1] ?? 'NORMAL_CLEARING');
      return '+OK\n';
    }
    case 'uuid_answer': {
      // mod_commands: "+OK" once answered, "-ERROR" for a leg that cannot be.
      const c = chan(argv[0]);
      if (!c) return '-ERROR\n';
      if (!c.answeredUs) {
        if (c.onAnswer) c.onAnswer();
        else if (!e.markAnswered(c)) return '-ERROR\n';
      }
      return '+OK\n';
    }
    case 'uuid_exists':
      return chan(argv[0]) ? 'true' : 'false';
    case 'uuid_send_dtmf': {
      const c = chan(argv[0]);
      return c ? ctx.features.sendDtmf(c, argv[1] ?? '') : NO_CHANNEL;
    }
    case 'uuid_record': {
      const c = chan(argv[0]);
      return c ? ctx.features.record(c, argv[1] ?? '', argv[2] ?? '') : NO_CHANNEL;
    }
    case 'uuid_bridge': {
      const a = chan(argv[0]);
      const b = chan(argv[1]);
      if (!a || !b) return `-ERR Invalid uuid ${!a ? argv[0] ?? '' : argv[1] ?? ''}\n`;
      return ctx.features.bridge(a, b);
    }
    case 'uuid_transfer': {
      const c = chan(argv[0]);
      if (!c) return NO_CHANNEL;
      const leg = argv[1]?.startsWith('-') ? argv[1] : '';
      const dest = leg ? argv[2] : argv[1];
      if (!dest) return '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';
      return ctx.features.transfer(c, leg, dest);
    }
    case 'uuid_hold': {
      const how = argv[0] === 'off' || argv[0] === 'toggle' ? argv[0] : 'on';
      const c = chan(how === 'on' ? argv[0] : argv[1]);
      return c ? ctx.features.hold(c, how) : NO_CHANNEL;
    }
    case 'uuid_broadcast': {
      const c = chan(argv[0]);
      if (!c) return NO_CHANNEL;
      const leg = argv[2] ?? 'aleg';
      const targets = [leg === 'bleg' ? undefined : c, leg === 'aleg' ? undefined : chan(c.bridgedTo) ?? chan(c.peer)];
      for (const t of targets) if (t) ctx.features.broadcast(t, argv[1] ?? '');
      return '+OK Message sent\n';
    }
    case 'uuid_dump': {
      const c = chan(argv[0]);
      if (!c) return NO_CHANNEL;
      const headers: Array<[string, string]> = [['Event-Name', 'CHANNEL_DATA'], ...channelHeaders(c), ...variableHeaders(c)];
      if (argv[1] === 'json') return JSON.stringify(Object.fromEntries(headers));
      return headers.map(([k, v]) => `${k}: ${eslUrlEncode(v)}\n`).join('');
    }
    case 'hupall': {
      const cause = argv[0] ?? 'MANAGER_REQUEST';
      for (const c of [...e.channels.values()]) if (e.channels.has(c.uuid)) e.hangup(c, cause);
      return `+OK hangup all channels with cause ${cause}\n`;
    }
    case 'conference':
      return ctx.conferences.api(argv);
    case 'reloadxml':
      // mod_commands reload_xml_function (1.10.12): "+OK [%s]\n" with the error of
      // switch_xml_open_root, which is "Success" when the XML parsed. The
      // emulator's XML always parses; it fires RELOADXML like the real one.
      ctx.reloaded?.();
      return '+OK [Success]\n';
    case 'version':
      return 'FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n';
    case 'global_getvar':
      return argv[0] === 'hostname' ? ctx.hostname : argv[0] === 'core_uuid' ? ctx.coreUuid() : '';
    default:
      return `-ERR ${command} Command not found!\n`;
  }
}
