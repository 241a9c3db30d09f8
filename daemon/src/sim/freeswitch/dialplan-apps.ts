// Running the actions of a dialplan hunt on a channel, one application after
// the other as FreeSWITCH's CS_EXECUTE does, with its events (CHANNEL_EXECUTE,
// CHANNEL_EXECUTE_COMPLETE carrying the variables). The applications our
// dialplans use: set/export, answer, pre_answer, playback, sleep, park,
// record_session, conference, hangup, respond, and bridge:
//   legs joined by `|` are tried one after the other, by `,` at once (the
//   first to answer wins, the others are cancelled); `[var=value,…]` before a
//   leg sets its own variables (leg_timeout, origination_caller_id_number …).
//   A bridge that fails sets originate_disposition to the cause; with
//   continue_on_fail=true the next action runs, otherwise the channel hangs up
//   with that cause. Once bridged, the dialplan is done: hangup_after_bridge.
import type { CallEngine } from './call-engine.js';
import type { Channel } from './channel.js';
import { randomUUID } from 'node:crypto';
import type { DialplanAction } from './fs-config.js';
import type { Features } from './features.js';
import type { Originator } from './originate.js';
import { expand } from './dialplan.js';

/** SIP response codes of `respond` as FreeSWITCH's hangup causes (sofia_glue_sip_cause_to_freeswitch). */
const RESPOND_CAUSE: Record<string, string> = { '403': 'CALL_REJECTED', '404': 'UNALLOCATED_NUMBER', '480': 'NO_USER_RESPONSE', '486': 'USER_BUSY', '503': 'NORMAL_TEMPORARY_FAILURE', '603': 'CALL_REJECTED' };

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Split a dial string at top-level separators (not inside […] or {…}). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((x) => x !== '');
}

function leg(text: string): { vars: Map<string, string>; endpoint: string } {
  const vars = new Map<string, string>();
  let rest = text.trim();
  while (rest.startsWith('[') || rest.startsWith('{')) {
    const end = rest.indexOf(rest[0] === '[' ? ']' : '}');
    for (const kv of rest.slice(1, end).split(',')) {
      const eq = kv.indexOf('=');
      if (eq > 0) vars.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    rest = rest.slice(end + 1);
  }
  // user/N@domain: the emulator's phones are one domain.
  return { vars, endpoint: rest.startsWith('user/') ? rest.replace(/@.*$/, '') : rest };
}

export class DialplanRunner {
  constructor(
    private readonly e: CallEngine,
    private readonly originator: Originator,
    private readonly features: Features,
  ) {}

  private alive(c: Channel): boolean {
    return this.e.channels.has(c.uuid) && !c.hangupCause;
  }

  /** Run the actions; resolves when the dialplan is done (bridged, parked, in a conference, hung up, or out of actions). */
  async run(c: Channel, actions: readonly DialplanAction[]): Promise<void> {
    for (const a of actions) {
      if (!this.alive(c)) return;
      const data = a.app === 'set' || a.app === 'export' ? a.data : expand(c, a.data);
      const done = await this.exec(c, a.app, data);
      if (done) return;
    }
    // Out of actions: FreeSWITCH hangs the channel up (NORMAL_CLEARING).
    if (this.alive(c) && !c.bridgedTo && c.application !== 'park') this.e.hangup(c, 'NORMAL_CLEARING');
  }

  /** One application; true when the dialplan ends here. */
  private async exec(c: Channel, app: string, data: string): Promise<boolean> {
    const e = this.e;
    switch (app) {
      case 'set':
      case 'export': {
        const eq = data.indexOf('=');
        if (eq > 0) c.vars.set(data.slice(0, eq), expand(c, data.slice(eq + 1)));
        e.execute(c, app, data);
        e.executeComplete(c);
        return false;
      }
      case 'pre_answer':
        e.execute(c, app, data);
        if (!c.answeredUs && c.callState !== 'EARLY') {
          e.ev('CHANNEL_PROGRESS_MEDIA', c);
          e.setCallState(c, 'EARLY');
        }
        e.executeComplete(c);
        return false;
      case 'answer':
        e.execute(c, app, data);
        e.markAnswered(c);
        e.executeComplete(c);
        return false;
      case 'playback':
        e.execute(c, app, data);
        this.features.broadcast(c, data);
        await wait(250);
        if (this.alive(c)) e.executeComplete(c, 'FILE PLAYED');
        return false;
      case 'sleep':
        e.execute(c, app, data);
        await wait(Math.min(Number(data) || 0, 2000));
        if (this.alive(c)) e.executeComplete(c);
        return false;
      case 'record_session':
        e.execute(c, app, data);
        this.features.record(c, 'start', data);
        e.executeComplete(c);
        return false;
      case 'park':
        e.park(c);
        return true;
      case 'conference':
        this.features.runApp(c, 'conference', data);
        return true;
      case 'hangup':
        e.execute(c, app, data);
        e.hangup(c, data || 'NORMAL_CLEARING');
        return true;
      case 'respond':
        e.execute(c, app, data);
        e.hangup(c, RESPOND_CAUSE[data.split(' ')[0] ?? ''] ?? 'NORMAL_CLEARING');
        return true;
      case 'bridge':
        return this.bridge(c, data);
      default:
        e.execute(c, app, data);
        e.executeComplete(c);
        return false;
    }
  }

  private async bridge(c: Channel, data: string): Promise<boolean> {
    const e = this.e;
    e.execute(c, 'bridge', data);
    let cause = 'NO_ROUTE_DESTINATION';
    for (const group of splitTop(data, '|')) {
      const legs = splitTop(group, ',').map(leg);
      const r = await this.ring(c, legs);
      if (!this.alive(c)) return true;
      if (r.ok) {
        const b = e.channels.get(r.uuid)!;
        c.vars.set('originate_disposition', 'SUCCESS');
        c.vars.set('last_bridge_to', b.uuid);
        c.vars.set('bridge_channel', b.name);
        setImmediate(() => {
          if (this.alive(c) && e.channels.has(b.uuid)) this.features.bridge(c, b);
        });
        return true;
      }
      cause = r.cause;
    }
    c.vars.set('originate_disposition', cause);
    c.vars.set('originate_failed_cause', cause);
    c.vars.set('last_bridge_hangup_cause', cause);
    e.executeComplete(c, cause);
    if (c.vars.get('continue_on_fail') === 'true') return false;
    e.hangup(c, cause);
    return true;
  }

  /** Ring these legs at once: the first to answer, or the last cause. The caller hanging up cancels them. */
  private ring(c: Channel, legs: Array<{ vars: Map<string, string>; endpoint: string }>): Promise<{ ok: true; uuid: string } | { ok: false; cause: string }> {
    return new Promise((resolve) => {
      let pending = legs.length;
      let settled = false;
      let lastCause = 'NO_ANSWER';
      const uuids = new Set<string>();
      c.legs = uuids;
      for (const l of legs) {
        const vars = new Map(l.vars);
        const uuid = randomUUID();
        uuids.add(uuid);
        vars.set('origination_uuid', uuid);
        if (!vars.has('origination_caller_id_number')) vars.set('origination_caller_id_number', c.callerIdNumber);
        if (!vars.has('origination_caller_id_name') && c.callerIdName) vars.set('origination_caller_id_name', c.callerIdName);
        if (vars.has('leg_timeout')) vars.set('originate_timeout', vars.get('leg_timeout')!);
        vars.set('originator', c.uuid);
        void this.originator.originate({ vars, endpoint: l.endpoint, app: 'park', appData: '' }).then((reply) => {
          pending--;
          const ok = /^\+OK (\S+)/.exec(reply);
          if (ok && !settled && this.alive(c)) {
            settled = true;
            c.legs = undefined;
            for (const other of uuids) if (other !== ok[1]) this.cancel(other);
            resolve({ ok: true, uuid: ok[1]! });
            return;
          }
          if (ok) this.cancel(ok[1]!);
          else lastCause = /^-ERR (\S+)/.exec(reply)?.[1] ?? 'NORMAL_TEMPORARY_FAILURE';
          if (!pending && !settled) {
            settled = true;
            c.legs = undefined;
            resolve({ ok: false, cause: lastCause });
          }
        });
      }
      if (!legs.length) resolve({ ok: false, cause: 'NO_ROUTE_DESTINATION' });
    });
  }

  private cancel(uuid: string): void {
    const b = this.e.channels.get(uuid);
    if (b && !b.hangupCause) this.e.hangup(b, b.answeredUs ? 'LOSE_RACE' : 'ORIGINATOR_CANCEL');
  }
}
