// `originate` and phone-placed calls: dial strings user/<ext>,
// loopback/<ext>, sofia/gateway/<gw>/<number>, with {var=val,...}.
import type { CallEngine } from './call-engine.js';
import type { Channel } from './channel.js';
import type { Phone } from './phone.js';
import { BEHAVIOUR_CAUSE, type ReceivedCall, type SimGateways } from './gateways.js';

export interface OriginateRequest {
  vars: Map<string, string>;
  endpoint: string;
  /** '&app(args)' → app/appData; otherwise an extension. */
  app?: string;
  appData: string;
  exten?: string;
}

/** "{a=1,b=2}user/1001 &park" → request; undefined when malformed. */
export function parseOriginate(args: string): OriginateRequest | undefined {
  let rest = args.trim();
  const vars = new Map<string, string>();
  if (rest.startsWith('{')) {
    const end = rest.indexOf('}');
    if (end < 0) return undefined;
    for (const kv of rest.slice(1, end).split(',')) {
      const eq = kv.indexOf('=');
      if (eq > 0) vars.set(kv.slice(0, eq).trim(), kv.slice(eq + 1).replace(/^'(.*)'$/, '$1'));
    }
    rest = rest.slice(end + 1);
  }
  const sp = rest.indexOf(' ');
  if (sp < 0) return undefined;
  const endpoint = rest.slice(0, sp);
  const target = rest.slice(sp + 1).trim();
  if (!endpoint || !target) return undefined;
  if (target.startsWith('&')) {
    const m = /^&([\w-]+)(?:\((.*)\))?$/.exec(target);
    if (!m) return undefined;
    return { vars, endpoint, app: m[1], appData: m[2] ?? '' };
  }
  return { vars, endpoint, exten: target.split(' ')[0], appData: '' };
}

export interface OriginateHooks {
  /** The answered leg runs its application (park, conference, eavesdrop…). */
  runApp(c: Channel, app: string, data: string): void;
  /** The phone on this leg presses keys (RFC 2833 from the phone). */
  phoneKeys(c: Channel, digits: string): void;
}

const STANDARD_VARS = ['origination_uuid', 'origination_caller_id_number', 'origination_caller_id_name'];

export class Originator {
  constructor(private readonly engine: CallEngine, private readonly phones: Map<string, Phone>, private readonly hooks: OriginateHooks, private readonly gateways?: SimGateways) {}

  /** Runs an originate; resolves with the api reply ("+OK <uuid>\n" / "-ERR CAUSE\n"). */
  originate(req: OriginateRequest): Promise<string> {
    return new Promise((resolve) => {
      const e = this.engine;
      const m = /^(user|loopback|sofia\/gateway\/[^/]+)\/(.+)$/.exec(req.endpoint);
      if (!m) return resolve('-ERR NO_ROUTE_DESTINATION\n');
      const [, tech = '', dest = ''] = m;
      const timeoutS = Number(req.vars.get('originate_timeout') ?? 60);
      const uuid = req.vars.get('origination_uuid');
      if (uuid && e.channels.has(uuid)) return resolve('-ERR DESTINATION_OUT_OF_ORDER\n');
      const cidNum = req.vars.get('origination_caller_id_number') ?? '0000000000';
      // No name given → no Caller-Caller-ID-Name header (sip-calls-plain.raw, the 1002 call).
      const cidName = req.vars.get('origination_caller_id_name');
      const finishOk = (c: Channel): void => {
        c.onOriginateFailed = undefined;
        if (c.peer) { const p = e.channels.get(c.peer); if (p) p.onOriginateFailed = undefined; }
        resolve(`+OK ${c.uuid}\n`);
        // FreeSWITCH starts the application after the reply (BACKGROUND_JOB precedes CS_EXECUTE).
        setImmediate(() => {
          if (!e.channels.has(c.uuid)) return;
          if (req.app) this.hooks.runApp(c, req.app, req.appData);
          else e.park(c);
        });
      };
      // Whatever ends a leg before answer (busy, timeout, uuid_kill, the phone rejecting) ends the originate.
      const waitFor = (c: Channel): void => { c.onOriginateFailed = (cause) => resolve(`-ERR ${cause}\n`); };
      const fail = (c: Channel, cause: string): void => e.hangup(c, cause);
      const setVars = (c: Channel): void => {
        for (const k of STANDARD_VARS) { const v = req.vars.get(k); if (v !== undefined) c.vars.set(k, v); }
        for (const [k, v] of req.vars) if (!STANDARD_VARS.includes(k)) c.vars.set(k, v);
      };

      if (tech === 'user') {
        const phone = this.phones.get(dest);
        if (!phone) return resolve('-ERR SUBSCRIBER_ABSENT\n');
        if (!phone.isRegistered) return resolve('-ERR USER_NOT_REGISTERED\n');
        // A desk phone without call waiting answers 486 Busy Here while it is on a call.
        const onAnotherCall = phone.busyWhenInCall && [...e.channels.values()].some((o) => o.phone === dest && o.answeredUs > 0);
        const domain = e.domain;
        const c = e.newChannel({
          uuid, name: `sofia/internal/${dest}@${domain}:5060`, kind: 'sofia', direction: 'outbound', destination: dest,
          callerIdNumber: cidNum, callerIdName: cidName, phone: dest,
        });
        waitFor(c);
        c.vars.set('dialed_user', dest);
        c.vars.set('dialed_domain', domain);
        c.vars.set('presence_id', `${dest}@${domain}`);
        setVars(c);
        c.runState = 'CS_NONE';
        e.ev('CHANNEL_OUTGOING', c);
        // As in sip-calls-plain.raw: the presence id is set after CHANNEL_OUTGOING, the
        // network address once the phone first answers the INVITE (180 / 486).
        c.presenceId = `${dest}@${domain}`;
        const responded = (): void => { c.networkAddr = domain; };
        e.setState(c, 'CS_INIT');
        e.ev('CHANNEL_CREATE', c);
        e.ev('CHANNEL_ORIGINATE', c);
        e.setState(c, 'CS_ROUTING');
        e.presence(c, 'progressing');
        e.setState(c, 'CS_CONSUME_MEDIA');
        const onAnswer = (): void => {
          c.onAnswer = undefined;
          c.networkAddr = domain;
          if (!e.markAnswered(c)) return;
          e.ev('CHANNEL_OUTGOING', c);
          e.flipCallerId(c);
          e.ev('CALL_UPDATE', c, { Direction: 'RECV' });
          finishOk(c);
          const keys = phone.keysAfterAnswer;
          if (keys) e.later(c, keys.afterMs, () => this.hooks.phoneKeys(c, keys.digits));
        };
        c.onAnswer = onAnswer;
        switch (onAnotherCall ? 'busy' : phone.behaviour) {
          case 'intercom':
            // Auto-answer only when asked (FreeSWITCH sends Call-Info: answer-after=0 for sip_auto_answer=true).
            if (/^(true|1|yes|on)$/i.test(c.vars.get('sip_auto_answer') ?? '')) e.later(c, 20, () => { responded(); onAnswer(); });
            else e.later(c, 20, () => { responded(); e.ring(c); });
            break;
          case 'busy':
            e.later(c, 50, () => { responded(); fail(c, 'USER_BUSY'); });
            break;
          case 'answer':
            e.later(c, 20, () => {
              responded();
              e.ring(c);
              e.later(c, phone.answerAfterMs, onAnswer);
            });
            break;
          case 'no-answer':
            e.later(c, 20, () => { responded(); e.ring(c); });
            break;
          case 'unregistered':
            break;
        }
        e.later(c, timeoutS * 1000, () => { if (!c.answeredUs) fail(c, 'NO_ANSWER'); });
        return;
      }

      if (tech === 'loopback') {
        const a = e.newChannel({
          name: `loopback/${dest}-a`, kind: 'loopback', direction: 'outbound', destination: dest,
          callerIdNumber: cidNum, callerIdName: cidName,
          dialplan: 'XML', source: 'mod_loopback', codec: true,
        });
        setVars(a);
        waitFor(a);
        a.runState = 'CS_NONE';
        if (uuid) {
          // The loopback leg gets its uuid after creation: CHANNEL_UUID (call-loopback-plain.raw).
          const old = a.uuid;
          e.channels.delete(old);
          a.uuid = uuid;
          a.vars.set('uuid', uuid);
          e.channels.set(uuid, a);
          e.ev('CHANNEL_UUID', a, { 'Old-Unique-ID': old });
        }
        e.ev('CHANNEL_OUTGOING', a);
        e.setState(a, 'CS_INIT');
        e.ev('CHANNEL_CREATE', a);
        const b = e.newChannel({
          name: `loopback/${dest}-b`, kind: 'loopback', direction: 'inbound', destination: dest, hitDialplan: true,
          callerIdNumber: cidNum, callerIdName: a.callerIdName, calleeIdName: '', calleeIdNumber: '',
          dialplan: 'XML', source: 'mod_loopback', codec: true, peer: a.uuid,
        });
        a.peer = b.uuid;
        b.runState = 'CS_INIT';
        e.setState(b, 'CS_INIT');
        e.ev('CHANNEL_CREATE', b);
        e.setCallState(b, 'RINGING');
        e.setState(b, 'CS_ROUTING');
        e.ev('CHANNEL_ORIGINATE', a);
        e.setState(a, 'CS_ROUTING');
        e.setState(a, 'CS_CONSUME_MEDIA');
        e.setState(b, 'CS_EXECUTE');
        const phone = this.phones.get(dest);
        const answerBoth = (): void => {
          a.onAnswer = b.onAnswer = undefined;
          e.executeComplete(b);
          e.markAnswered(b);
          if (!e.markAnswered(a)) return;
          finishOk(a);
          // The B leg runs the extension's application: echo for 9196, else park.
          setImmediate(() => { if (e.channels.has(b.uuid)) { if (dest === '9196') e.execute(b, 'echo', ''); else e.park(b); } });
        };
        if (dest === '9196' || phone?.behaviour === 'answer') {
          e.execute(b, 'answer', '');
          e.later(b, dest === '9196' ? 20 : (phone?.answerAfterMs ?? 200), answerBoth);
        } else if (phone?.behaviour === 'busy') {
          e.later(a, 50, () => fail(a, 'USER_BUSY'));
        } else if (phone && !phone.isRegistered) {
          e.later(a, 10, () => fail(a, 'USER_NOT_REGISTERED'));
        } else {
          // Unknown extension or a phone that does not answer: the B leg waits (sleep) until originate_timeout.
          e.execute(b, 'sleep', '10000');
        }
        if (phone) { a.onAnswer = answerBoth; b.onAnswer = answerBoth; }
        e.later(a, timeoutS * 1000, () => { if (!a.answeredUs) fail(a, 'NO_ANSWER'); });
        return;
      }

      // sofia/gateway/<gw>/<number>: the far end (sim gateway) answers after a short ring, or refuses as it was told.
      const gw = tech.split('/')[2] ?? 'gw';
      const sim = this.gateways?.get(gw);
      // As mod_sofia: a gateway it does not know, or one that is down (its registration failed, pings unanswered), fails at once.
      if (this.gateways?.size && !sim) return resolve('-ERR INVALID_GATEWAY\n');
      if (sim && sim.status !== 'UP') {
        sim.failedOut++;
        sim.received.push({ number: dest, callerIdNumber: cidNum, variables: Object.fromEntries(req.vars), outcome: 'gateway-down', at: Date.now() });
        return resolve('-ERR GATEWAY_DOWN\n');
      }
      const c = e.newChannel({
        uuid, name: `sofia/gateway/${gw}/${dest}`, kind: 'gateway', direction: 'outbound', destination: dest,
        callerIdNumber: cidNum, callerIdName: cidName, networkAddr: '192.0.2.1',
      });
      if (sim) {
        sim.callsOut++;
        for (const [k, v] of sim.variables('outbound')) c.vars.set(k, v);
        c.vars.set('sip_gateway_name', gw);
      }
      setVars(c);
      waitFor(c);
      const behaviour = sim?.behaviour ?? 'answer';
      const received = sim && { number: dest, callerIdNumber: cidNum, variables: Object.fromEntries(req.vars), outcome: 'no-answer' as ReceivedCall['outcome'], at: Date.now() };
      if (received) sim.received.push(received);
      c.runState = 'CS_NONE';
      e.ev('CHANNEL_OUTGOING', c);
      e.setState(c, 'CS_INIT');
      e.ev('CHANNEL_CREATE', c);
      e.ev('CHANNEL_ORIGINATE', c);
      e.setState(c, 'CS_ROUTING');
      e.setState(c, 'CS_CONSUME_MEDIA');
      e.later(c, 20, () => {
        e.ring(c);
        if (behaviour === 'no-answer') return;
        e.later(c, sim?.answerAfterMs ?? 200, () => {
          if (behaviour !== 'answer') {
            if (received) received.outcome = 'refused';
            if (sim) sim.failedOut++;
            fail(c, BEHAVIOUR_CAUSE[behaviour]);
            return;
          }
          if (!e.markAnswered(c)) return;
          if (received) received.outcome = 'answered';
          e.flipCallerId(c);
          e.ev('CALL_UPDATE', c, { Direction: 'RECV' });
          finishOk(c);
        });
      });
      e.later(c, timeoutS * 1000, () => { if (!c.answeredUs) fail(c, 'NO_ANSWER'); });
    });
  }
}
