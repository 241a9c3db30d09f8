// The router: a pure function from a call (who calls, what number, when, from
// which trunk) and the state of the trunks to a decision — where the call
// goes, in which order, with which caller ID, recorded or not, at which
// priority — or a refusal with its reason and what the caller hears. Every
// step that led there is in the decision's trace (the route tester shows it;
// the log keeps the rule and the outcome).
//
// The order, for a call from a phone:
//   1. the number's grammar (nothing else ever reaches a dial string);
//   2. emergency numbers: always routed, whatever the zone, lists, schedules
//      or permissions say; first on the trunks, pre-empting (强拆) the lowest
//      outside call when every channel is busy; the dispatch desk last;
//   3. the dispatch number; then the rules in order (number, caller), the
//      first that matches decides; without one, a dialled extension rings;
//   4. the destination (the night one while its schedule is closed), the
//      class of the number, the zone's permission (its night permissions
//      while their schedule is closed, its exceptions), outbound lists;
//   5. the trunks in order: a dead or full one is skipped with its reason.
// A call from a trunk: inbound lists (block, and allowlist mode), then its
// called number (DID) or the trunk's default destination.
import { PHONE_NUMBER_RE } from '../contracts/values.js';
import type { DestinationConfig } from '../config/schema.js';
import type { RouteDecision, RouteDestination, TraceStep, Treatment } from '../contracts/routing.js';
import { CALL_PRIORITIES, DIALLED_RE, type CallClass, type CallPriority, type NightMode } from '../contracts/values.js';
import { localTime } from './schedules.js';
import type { IndexEntry } from './number-index.js';
import type { Classified } from './numbering.js';
import type { CompiledList, CompiledZone, RoutingTables } from './tables.js';

export interface OutboundCall {
  direction: 'outbound';
  /** The caller: an extension of this installation, or whatever FreeSWITCH names. */
  from: string;
  /** The caller's zone as FreeSWITCH knows it (the directory's callpoint_zone); default: the phone's. */
  zone?: string;
  to: string;
  at: Date;
}

export interface InboundCall {
  direction: 'inbound';
  trunk: string;
  /** The caller as the trunk presents it ('' when withheld). */
  from: string;
  /** The called number (DID). */
  to: string;
  at: Date;
}

export type CallRequest = OutboundCall | InboundCall;

export interface TrunkState {
  up: boolean;
  /** Why it is down, or what makes it up. */
  detail: string;
  capacity: number;
  inUse: number;
}

/** An outside call on a trunk now (a candidate for pre-emption). */
export interface TrunkCall {
  uuid: string;
  trunk: string;
  priority: CallPriority;
  startedAt: string;
}

export interface RuntimeState {
  trunks: ReadonlyMap<string, TrunkState>;
  calls: readonly TrunkCall[];
  night: NightMode;
  /** Keep every rule passed over in the trace (the route tester); live calls keep only what decided. */
  explain?: boolean;
  /** A list entry refused or passed the call (hit counters). */
  onListHit?: (list: string, entry: IndexEntry) => void;
}

const RANK: Record<CallPriority, number> = Object.fromEntries(CALL_PRIORITIES.map((p, i) => [p, i])) as Record<CallPriority, number>;
const OUTSIDE: ReadonlySet<CallClass> = new Set(['local', 'national', 'mobile', 'international', 'premium']);

class Decider {
  readonly trace: TraceStep[] = [];
  readonly skipped: RouteDecision['skipped'] = [];
  private readonly today: string;

  constructor(
    readonly t: RoutingTables,
    readonly s: RuntimeState,
    readonly at: Date,
  ) {
    this.today = localTime(at, t.config.numbering.timezone).date;
  }

  step(step: TraceStep['step'], subject: string | null, result: TraceStep['result'], why: string): void {
    this.trace.push({ step, subject, result, why });
  }

  refuse(rule: string | null, reason: string, treatment: Treatment, extra: Partial<RouteDecision> = {}): RouteDecision {
    return { decision: 'refuse', rule, class: null, number: '', destinations: [], reason, treatment, record: false, priority: 'normal', skipped: this.skipped, preempt: null, trace: this.trace, ...extra };
  }

  /** Is this schedule closed now (night)? Traced. */
  closed(id: string): boolean {
    const sched = this.t.schedules.get(id);
    if (!sched) {
      this.step('schedule', id, 'open', `${id}: no such schedule; taken as open`);
      return false;
    }
    const st = sched.state(this.at, this.s.night);
    this.step('schedule', id, st.open ? 'open' : 'closed', st.why);
    return !st.open;
  }

  /** The destination of a rule (or DID): the night one while its schedule is closed. */
  pick(to: DestinationConfig, night: { schedule: string; to: DestinationConfig } | undefined): DestinationConfig {
    return night && this.closed(night.schedule) ? night.to : to;
  }

  internalClass(callerZone: string | undefined, ext: string): CallClass {
    const target = this.t.phones.get(ext);
    const zone = target ? this.t.zones.get(target.zone) : undefined;
    if (zone?.dispatch) return 'dispatch';
    return target && target.zone === callerZone ? 'same-zone' : 'other-zones';
  }

  /** May a phone of this zone call a number of this class? Traced. */
  permitted(zone: CompiledZone | undefined, cls: CallClass, number: string, canonical: string): { ok: true } | { ok: false; why: string } {
    if (!zone) {
      if (cls === 'same-zone' || cls === 'other-zones' || cls === 'dispatch') {
        this.step('permission', null, 'allowed', `a caller without a zone may make internal calls (${cls})`);
        return { ok: true };
      }
      const why = `the caller has no zone, so no outside permission (${cls})`;
      this.step('permission', null, 'refused', why);
      return { ok: false, why };
    }
    if (zone.dispatch) {
      this.step('permission', zone.id, 'allowed', `${zone.id} is a dispatch zone: it may call everything`);
      return { ok: true };
    }
    const deny = zone.deny.find(number, this.today, canonical);
    if (deny) {
      const why = `zone ${zone.id} never calls ${deny.kind === 'prefix' ? `numbers starting ${deny.value}` : deny.value}${deny.reason ? ` (${deny.reason})` : ''}`;
      this.step('permission', zone.id, 'refused', why);
      return { ok: false, why };
    }
    const allow = zone.allow.find(number, this.today, canonical);
    if (allow) {
      this.step('permission', zone.id, 'allowed', `zone ${zone.id} may call ${allow.kind === 'prefix' ? `numbers starting ${allow.value}` : allow.value} whatever the class${allow.reason ? ` (${allow.reason})` : ''}`);
      return { ok: true };
    }
    const atNight = zone.night && this.closed(zone.night.schedule);
    const perms = atNight ? zone.night!.permissions : zone.permissions;
    const which = atNight ? 'night permissions' : 'permissions';
    if (perms.has(cls)) {
      this.step('permission', zone.id, 'allowed', `zone ${zone.id} may call ${cls} (${which})`);
      return { ok: true };
    }
    const why = `zone ${zone.id} may not call ${cls} numbers (${which}: ${[...perms].join(', ') || 'none'})`;
    this.step('permission', zone.id, 'refused', why);
    return { ok: false, why };
  }

  /** Block lists, then allowlist mode, of the lists that apply. Returns the refusal, if any. */
  listed(lists: readonly CompiledList[], number: string, canonical: string, what: string): { reason: string; treatment: Treatment; list: string } | null {
    const treatmentOf = (l: CompiledList): Treatment =>
      l.list.treatment === 'announcement' && l.list.announcement ? { kind: 'announcement', name: l.list.announcement } : l.list.treatment === 'busy' ? { kind: 'busy' } : { kind: 'reject' };
    for (const l of lists) {
      if (l.list.kind !== 'block') continue;
      const hit = number ? l.index.find(number, this.today, canonical) : undefined;
      if (hit) {
        this.s.onListHit?.(l.list.id, hit);
        const reason = `${what} ${number} is on the block list ${l.list.id}${hit.kind === 'prefix' ? ` (prefix ${hit.value})` : ''}${hit.reason ? `: ${hit.reason}` : ''}`;
        this.step('list', l.list.id, 'refused', reason);
        return { reason, treatment: treatmentOf(l), list: l.list.id };
      }
      this.step('list', l.list.id, 'passed', `${what} is not on the block list ${l.list.id}`);
    }
    const allows = lists.filter((l) => l.list.kind === 'allow');
    if (!allows.length) return null;
    for (const l of number ? allows : []) {
      const e = l.index.find(number, this.today, canonical);
      if (!e) continue;
      this.s.onListHit?.(l.list.id, e);
      this.step('list', l.list.id, 'allowed', `${what} ${number} is on the allow list ${l.list.id}${e.reason ? ` (${e.reason})` : ''}`);
      return null;
    }
    const first = allows[0]!;
    const reason = `${what} ${number || '(withheld)'} is not on the allow list${allows.length > 1 ? 's' : ''} ${allows.map((l) => l.list.id).join(', ')} (allowlist mode)`;
    this.step('list', first.list.id, 'refused', reason);
    return { reason, treatment: treatmentOf(first), list: first.list.id };
  }

  /** A trunk destination for each trunk that can take the call now; the others are skipped with their reason. */
  trunks(ids: readonly string[], number: string, c: Classified, callerId: string | null, opts: { emergency?: boolean } = {}): RouteDestination[] {
    const out: RouteDestination[] = [];
    for (const id of ids) {
      const trunk = this.t.trunks.get(id);
      if (!trunk) continue;
      const st = this.s.trunks.get(id) ?? { up: false, detail: 'state not known yet', capacity: 0, inUse: 0 };
      let why: string | null = null;
      if (!st.up) why = `down: ${st.detail}`;
      else if (st.inUse >= st.capacity) why = `full: all ${st.capacity} channel${st.capacity === 1 ? '' : 's'} busy`;
      if (why) {
        this.skipped.push({ trunk: id, reason: why });
        this.step('trunk', id, 'skipped', why);
        continue;
      }
      const dest = this.trunkDestination(id, number, c, callerId, opts);
      // A number too long once written for this trunk (a national number of 26 digits becomes +86 and 26 digits)
      // is no number FreeSWITCH may dial: this trunk is passed over, never handed to the dial-string grammar.
      if (!opts.emergency && dest.kind === 'trunk' && !PHONE_NUMBER_RE.test(dest.number)) {
        const bad = `the number as this trunk writes it (${dest.number.slice(0, 40)}) is not a phone number (an optional + and 3–20 digits)`;
        this.skipped.push({ trunk: id, reason: bad });
        this.step('trunk', id, 'skipped', bad);
        continue;
      }
      out.push(dest);
      this.step('trunk', id, 'used', `${st.detail}; ${st.capacity - st.inUse} of ${st.capacity} channel${st.capacity === 1 ? '' : 's'} free`);
    }
    return out;
  }

  trunkDestination(id: string, number: string, c: Classified, callerId: string | null, opts: { emergency?: boolean } = {}): RouteDestination {
    const trunk = this.t.trunks.get(id)!;
    const plan = this.t.plan;
    // Emergency numbers go out exactly as dialled: no format, no carrier code.
    const written = opts.emergency ? number : trunk.prepend + plan.format(number, c, trunk.numberFormat);
    const cid = callerId ?? trunk.callerId ?? null;
    return { kind: 'trunk', trunk: id, trunkKind: trunk.kind, number: written, callerId: cid === null ? null : plan.format(cid, plan.classify(cid), trunk.numberFormat) };
  }
}

/** Built-in rule names (a rule id of routes[] cannot hold ':'; these are what the call record shows). */
export const BUILTIN = { emergency: 'emergency', extension: 'extension', dispatch: 'dispatch', inbound: (trunk: string) => `inbound:${trunk}`, did: (trunk: string, did: string) => `did:${trunk}:${did}` };

const TONE_INVALID: Treatment = { kind: 'tone', tone: 'sit' };
const TONE_CONGESTION: Treatment = { kind: 'tone', tone: 'congestion' };

export function route(req: CallRequest, t: RoutingTables, s: RuntimeState): RouteDecision {
  const d = new Decider(t, s, req.at);
  if (!DIALLED_RE.test(req.to)) {
    d.step('number', null, 'refused', 'the number is not a dialled number (digits, * #, an optional +)');
    return d.refuse(null, 'not a valid number', TONE_INVALID);
  }
  return req.direction === 'inbound' ? inbound(req, d) : outbound(req, d);
}

function outbound(req: OutboundCall, d: Decider): RouteDecision {
  const { t } = d;
  const phone = t.phones.get(req.from);
  // A phone of the configuration is in its zone; another caller in the zone FreeSWITCH names (the directory's callpoint_zone).
  const zoneId = phone?.zone ?? req.zone;
  const zone = zoneId === undefined ? undefined : t.zones.get(zoneId);
  d.step('number', zoneId ?? null, 'passed', `${req.from || 'an unknown caller'}${zoneId ? ` (zone ${zoneId})` : ' (no zone)'} dials ${req.to}`);

  if (t.emergency.has(req.to)) return emergency(req, d, zone);

  if (t.config.numbering.dispatch === req.to && t.dispatchPhones.length) {
    d.step('rule', BUILTIN.dispatch, 'matched', `${req.to} is the dispatch number: every dispatch desk rings`);
    const ok = d.permitted(zone, 'dispatch', req.to, req.to);
    if (!ok.ok) return d.refuse(BUILTIN.dispatch, ok.why, TONE_CONGESTION);
    return routed(d, BUILTIN.dispatch, 'dispatch', req.to, [{ kind: 'ring-group', extensions: [...t.dispatchPhones], strategy: 'simultaneous', ringS: 30 }], { record: false, priority: 'high' });
  }

  let dialledClass: CallClass | null | undefined;
  const classOf = () => (dialledClass === undefined ? (dialledClass = t.phones.has(req.to) ? d.internalClass(zoneId, req.to) : t.plan.classify(req.to).cls) : dialledClass);
  for (const { rule, misses } of t.rules) {
    const miss = misses(req.to, classOf);
    if (miss) {
      if (d.s.explain) d.step('rule', rule.id, 'passed', `number ${miss}`);
      continue;
    }
    const from = rule.from;
    if (from && (from.zones !== undefined || from.extensions !== undefined)) {
      const inZone = zoneId !== undefined && (from.zones ?? []).includes(zoneId);
      const isExt = (from.extensions ?? []).includes(req.from);
      if (!inZone && !isExt) {
        if (d.s.explain) d.step('rule', rule.id, 'passed', `only for calls from ${[...(from.zones ?? []).map((z) => `zone ${z}`), ...(from.extensions ?? [])].join(', ')}`);
        continue;
      }
    }
    d.step('rule', rule.id, 'matched', `${req.to} matches ${rule.name ?? rule.id}`);
    const number = rule.prepend + req.to.slice(rule.strip);
    const dest = d.pick(rule.to, rule.night);
    return destination(d, { rule: rule.id, dest, number, zone, zoneId, callerId: rule.callerId ?? null, record: rule.record, priority: rule.priority });
  }
  if (t.phones.has(req.to)) {
    d.step('rule', BUILTIN.extension, 'matched', `${req.to} is an extension; no rule for it`);
    return destination(d, { rule: BUILTIN.extension, dest: { extension: req.to }, number: req.to, zone, zoneId, callerId: null, record: false, priority: 'normal' });
  }
  d.step('rule', null, 'refused', `no rule matches ${req.to}`);
  return d.refuse(null, `no route for ${req.to}`, TONE_INVALID, { number: req.to });
}

interface Target {
  rule: string;
  dest: DestinationConfig;
  number: string;
  zone: CompiledZone | undefined;
  zoneId: string | undefined;
  callerId: string | null;
  record: boolean;
  priority: CallPriority;
  /** Inbound: no zone permissions apply (the trunk's lists did). */
  inbound?: boolean;
}

function routed(d: Decider, rule: string, cls: RouteDecision['class'], number: string, destinations: RouteDestination[], o: { record: boolean; priority: CallPriority; preempt?: RouteDecision['preempt'] }): RouteDecision {
  for (const x of destinations) d.step('destination', x.kind === 'trunk' ? x.trunk : null, 'used', describe(x));
  return { decision: 'route', rule, class: cls, number, destinations, reason: null, treatment: null, record: o.record, priority: o.priority, skipped: d.skipped, preempt: o.preempt ?? null, trace: d.trace };
}

export function describe(x: RouteDestination): string {
  switch (x.kind) {
    case 'extension':
      return `extension ${x.number}`;
    case 'ring-group':
      return `ring ${x.extensions.join(', ')} (${x.strategy})`;
    case 'trunk':
      return `trunk ${x.trunk} (${x.trunkKind}) as ${x.number}${x.callerId ? `, caller ID ${x.callerId}` : ''}`;
    case 'conference':
      return `conference ${x.name}`;
    case 'ivr':
      return `IVR menu ${x.id}`;
    case 'queue':
      return `queue ${x.id}${x.emergency ? ' as an emergency' : ''}${x.skill ? ` (skill ${x.skill})` : ''}`;
    case 'announcement':
      return `announcement ${x.name}`;
  }
}

function destination(d: Decider, x: Target): RouteDecision {
  const { t } = d;
  const dest = x.dest;
  const check = (cls: CallClass, n: string, canonical = n) => (x.inbound ? ({ ok: true } as const) : d.permitted(x.zone, cls, n, canonical));
  if ('refuse' in dest) {
    d.step('destination', null, 'refused', dest.refuse.reason);
    return d.refuse(x.rule, dest.refuse.reason, { kind: 'tone', tone: dest.refuse.tone }, { number: x.number });
  }
  if ('extension' in dest) {
    const cls = d.internalClass(x.zoneId, dest.extension);
    const ok = check(cls, dest.extension);
    if (!ok.ok) return d.refuse(x.rule, ok.why, TONE_CONGESTION, { number: x.number, class: cls });
    return routed(d, x.rule, cls, x.number, [{ kind: 'extension', number: dest.extension }], x);
  }
  if ('ringGroup' in dest) {
    const classes = [...new Set(dest.ringGroup.extensions.map((e) => d.internalClass(x.zoneId, e)))];
    for (const cls of classes) {
      const ok = check(cls, x.number);
      if (!ok.ok) return d.refuse(x.rule, ok.why, TONE_CONGESTION, { number: x.number, class: cls });
    }
    return routed(d, x.rule, classes[0] ?? 'same-zone', x.number, [{ kind: 'ring-group', extensions: [...dest.ringGroup.extensions], strategy: dest.ringGroup.strategy, ringS: dest.ringGroup.ringS }], x);
  }
  if ('trunks' in dest) {
    if (x.inbound) {
      d.step('destination', null, 'refused', 'a call from a trunk cannot go out again through trunks');
      return d.refuse(x.rule, 'a call from a trunk cannot be sent out through trunks', { kind: 'reject' }, { number: x.number });
    }
    const c = t.plan.classify(x.number);
    if (!c.cls) {
      d.step('number', null, 'refused', c.why);
      return d.refuse(x.rule, `not a number that can be called outside: ${c.why}`, TONE_INVALID, { number: x.number });
    }
    const canonical = c.e164 ?? x.number;
    const ok = check(c.cls, x.number, canonical);
    if (!ok.ok) return d.refuse(x.rule, ok.why, TONE_CONGESTION, { number: x.number, class: c.cls });
    if (OUTSIDE.has(c.cls)) {
      const lists = t.lists.filter((l) => l.list.direction === 'outbound' && (!l.zones.size || (x.zoneId !== undefined && l.zones.has(x.zoneId))));
      const hit = d.listed(lists, x.number, canonical, 'the number');
      if (hit) return d.refuse(x.rule, hit.reason, hit.treatment, { number: x.number, class: c.cls });
    }
    const callerId = x.callerId ?? x.zone?.callerId ?? null;
    const dests = d.trunks(dest.trunks, x.number, c, callerId);
    if (!dests.length) {
      const reason = `no trunk can take the call: ${d.skipped.map((k) => `${k.trunk} ${k.reason}`).join('; ')}`;
      return d.refuse(x.rule, reason, TONE_CONGESTION, { number: x.number, class: c.cls });
    }
    return routed(d, x.rule, c.cls, x.number, dests, x);
  }
  // Internal services: a conference, a menu, a queue, a message.
  const ok = check('same-zone', x.number);
  if (!ok.ok) return d.refuse(x.rule, ok.why, TONE_CONGESTION, { number: x.number, class: 'same-zone' });
  const svc: RouteDestination = 'conference' in dest ? { kind: 'conference', name: dest.conference } : 'ivr' in dest ? { kind: 'ivr', id: dest.ivr } : 'queue' in dest ? { kind: 'queue', id: dest.queue, skill: dest.skill ?? null, emergency: dest.emergency } : { kind: 'announcement', name: dest.announcement };
  return routed(d, x.rule, 'same-zone', x.number, [svc], x);
}

function emergency(req: OutboundCall, d: Decider, zone: CompiledZone | undefined): RouteDecision {
  const { t, s } = d;
  d.step('emergency', null, 'allowed', `${req.to} is an emergency number: always allowed, never blocked by a list, a schedule or a permission`);
  const c = t.plan.classify(req.to);
  const callerId = zone?.callerId ?? null;
  const free = d.trunks(t.emergencyTrunks, req.to, c, callerId, { emergency: true });
  const dests: RouteDestination[] = [...free];
  let preempt: RouteDecision['preempt'] = null;
  const full = d.skipped.filter((k) => k.reason.startsWith('full')).map((k) => k.trunk);
  const dead = d.skipped.filter((k) => k.reason.startsWith('down')).map((k) => k.trunk);
  if (!free.length && full.length) {
    // 强拆: every channel of the live trunks is busy — release the lowest-priority outside call (the newest among equals).
    const victims = s.calls.filter((k) => full.includes(k.trunk) && k.priority !== 'emergency');
    victims.sort((a, b) => RANK[a.priority] - RANK[b.priority] || (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    const v = victims[0];
    if (v) {
      preempt = { uuid: v.uuid, trunk: v.trunk, priority: v.priority };
      d.step('preempt', v.trunk, 'used', `every channel is busy: the ${v.priority}-priority call ${v.uuid} on ${v.trunk} is released (强拆) for the emergency call`);
      dests.push(d.trunkDestination(v.trunk, req.to, c, callerId, { emergency: true }));
      for (const id of full) if (id !== v.trunk) dests.push(d.trunkDestination(id, req.to, c, callerId, { emergency: true }));
    } else {
      d.step('preempt', null, 'skipped', 'every channel is busy with emergency calls: none is released');
      for (const id of full) dests.push(d.trunkDestination(id, req.to, c, callerId, { emergency: true }));
    }
  }
  // A trunk that looks dead is still tried last: its state may be stale, and this is an emergency.
  for (const id of dead) {
    dests.push(d.trunkDestination(id, req.to, c, callerId, { emergency: true }));
    d.step('trunk', id, 'used', 'tried last although it looks down: an emergency call tries every way out');
  }
  // And if no way out answers, the dispatch desk takes the call.
  if (t.dispatchPhones.length) dests.push({ kind: 'ring-group', extensions: [...t.dispatchPhones], strategy: 'simultaneous', ringS: 60 });
  if (!dests.length) {
    d.step('destination', null, 'refused', 'no trunk and no dispatch desk is configured');
    return d.refuse(BUILTIN.emergency, 'an emergency number, but no trunk and no dispatch desk is configured to take it', TONE_CONGESTION, { class: 'emergency', number: req.to, priority: 'emergency' });
  }
  return routed(d, BUILTIN.emergency, 'emergency', req.to, dests, { record: t.config.numbering.recordEmergency, priority: 'emergency', preempt });
}

function inbound(req: InboundCall, d: Decider): RouteDecision {
  const { t } = d;
  const trunk = t.trunks.get(req.trunk);
  d.step('number', req.trunk, 'passed', `${req.from || 'a withheld caller'} calls ${req.to} from trunk ${req.trunk}`);
  if (!trunk) {
    d.step('destination', req.trunk, 'refused', `${req.trunk} is not a configured trunk`);
    return d.refuse(BUILTIN.inbound(req.trunk), `a call from an unknown trunk ${req.trunk}`, { kind: 'reject' });
  }
  const from = /^\+?[0-9]{1,32}$/.test(req.from) ? req.from : '';
  const canonical = from ? t.plan.canonical(from) : '';
  const lists = t.lists.filter((l) => l.list.direction === 'inbound' && (!l.trunks.size || l.trunks.has(trunk.id)));
  const hit = d.listed(lists, from, canonical, 'the caller');
  if (hit) return d.refuse(BUILTIN.inbound(trunk.id), hit.reason, hit.treatment, { number: req.to });
  const did = trunk.inbound?.dids.find((x) => x.did === req.to);
  const rule = did ? BUILTIN.did(trunk.id, did.did) : BUILTIN.inbound(trunk.id);
  const to = did?.to ?? trunk.inbound?.to;
  if (!to) {
    d.step('rule', rule, 'refused', `no destination for calls to ${req.to} from ${trunk.id}`);
    return d.refuse(rule, `no destination for calls to ${req.to} from trunk ${trunk.id}`, { kind: 'reject' }, { number: req.to });
  }
  d.step('rule', rule, 'matched', did ? `the called number ${did.did}` : `calls from ${trunk.id}`);
  const dest = d.pick(to, did ? did.night : trunk.inbound?.night);
  return destination(d, { rule, dest, number: req.to, zone: undefined, zoneId: trunk.zone, callerId: null, record: false, priority: 'normal', inbound: true });
}
