// The routing service: the router (a pure function) with what it needs to
// know at the moment of a call — the trunks' state, the calls on them, the
// list entries people added, night mode — and what follows from a decision:
// the log line with the rule, 强拆 of the lowest outside call for an
// emergency (audited, reported to central), list hit counters. FreeSWITCH asks
// through mod_xml_curl (api/freeswitch-routes.ts); the route tester in the UI
// and central's night-mode command come here too.
import type { Actor } from '../accounts/actor.js';
import type { FaultBook } from '../alarms/faults.js';
import type { Config } from '../config/schema.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { LinesView } from '../contracts/lines.js';
import type { NightModeState, RouteDecision, RouteTestBody, RoutingView, TrunkStatus } from '../contracts/routing.js';
import type { NightMode } from '../contracts/values.js';
import type { EventBus } from '../events/bus.js';
import type { Component } from '../lifecycle/components.js';
import type { Logger } from '../log/logger.js';
import type { CommandOutcome } from '../pbx/gateway.js';
import type { SofiaGateway } from '../pbx/sofia-status.js';
import type { Store } from '../store/store.js';
import { describe, route, type CallRequest, type RuntimeState, type TrunkCall, type TrunkState } from './router.js';
import { RoutingLists } from './routing-lists.js';
import { compileTables, withList, type RoutingTables } from './tables.js';
import { TrunkMonitor } from './trunk-monitor.js';
import { trunkStates } from './trunk-states.js';

/** What routing needs of the FreeSWITCH gateway. */
export interface RoutingPbx {
  readonly connected: boolean;
  channels: { list(): LiveChannel[] };
  gatewayStatus(): Promise<CommandOutcome<SofiaGateway[]>>;
  forceRelease(uuid: string): Promise<CommandOutcome<void>>;
}

export interface RoutingContext {
  config: Config;
  store: Store;
  bus: EventBus;
  log: Logger;
  pbx: RoutingPbx;
  /** The line services' view (line cards, modems), when they run. */
  lines: () => LinesView | undefined;
  faults?: FaultBook;
  /** Wake the uplink: an event was queued. */
  notify: () => void;
  /** Trunk polling and fault grace (tests shorten them). */
  timing?: { pollMs?: number; graceMs?: number };
}

export const NIGHT_MODE_KEY = 'routing.nightMode';
/** How long a pre-emption may hold up the emergency call's answer. */
const RELEASE_WAIT_MS = 1500;

export class RoutingService implements Component {
  readonly name = 'routing';
  private tables: RoutingTables;
  private night: NightModeState = { mode: 'auto', by: null, at: null };
  lists: RoutingLists;
  private monitor: TrunkMonitor;
  /** Calls being released for an emergency: not chosen twice. */
  private readonly releasing = new Set<string>();
  private offCall: (() => void) | undefined;
  private offLines: (() => void) | undefined;
  private linesView: LinesView | undefined;
  private viewTimer: NodeJS.Timeout | undefined;

  constructor(private c: RoutingContext) {
    this.tables = compileTables(c.config);
    this.lists = this.makeLists();
    this.monitor = this.makeMonitor();
  }

  private makeLists(): RoutingLists {
    const c = this.c;
    return new RoutingLists(c.config, {
      store: c.store,
      audited: (e) => c.bus.emit('audit', e),
      changed: (list, entries) => {
        this.tables = withList(this.tables, list, entries);
        this.changed();
      },
    });
  }

  private makeMonitor(): TrunkMonitor {
    const c = this.c;
    return new TrunkMonitor(c.config.trunks, { pbx: c.pbx, faults: c.faults, log: c.log, states: () => this.trunkStates(), changed: () => this.changed() }, c.timing);
  }

  /**
   * The configuration's routes, trunks, lists, schedules or zones changed (an
   * apply from the UI or central): routing is built again from it. Calls in
   * progress keep the route they were given; the next call gets the new one.
   */
  async reconfigure(config: Config): Promise<void> {
    await this.stop();
    this.c = { ...this.c, config };
    this.tables = compileTables(config);
    this.lists = this.makeLists();
    this.monitor = this.makeMonitor();
    await this.start();
    this.changed();
  }

  async start(): Promise<void> {
    this.tables = compileTables(this.c.config, await this.lists.load());
    const saved = await this.c.store.settings.get<NightModeState>(NIGHT_MODE_KEY);
    if (saved && (saved.mode === 'auto' || saved.mode === 'night' || saved.mode === 'day')) this.night = saved;
    this.linesView = this.c.lines();
    this.offLines = this.c.bus.on('lines', (v) => (this.linesView = v));
    // A call that passed over trunks (or found none) is reported to central once its record is committed.
    this.offCall = this.c.bus.on('call', (rec) => {
      if (!rec.failover?.some((s) => s.outcome !== 'used')) return;
      const data = { kind: 'route-failover' as const, uuid: rec.uuid, rule: rec.route, from: rec.callerNumber, to: rec.calleeNumber, steps: rec.failover, at: rec.endedAt };
      void this.c.store.outbox.enqueue('event', data).then(() => this.c.notify(), (err: unknown) => this.c.log.error({ err }, 'cannot queue the failover event'));
    });
    await this.monitor.start();
    this.c.log.info({ rules: this.c.config.routes.length, trunks: this.c.config.trunks.length, lists: this.c.config.lists.length, night: this.night.mode }, 'routing ready');
  }

  async stop(): Promise<void> {
    this.offCall?.();
    this.offLines?.();
    clearTimeout(this.viewTimer);
    await this.monitor.stop();
    await this.lists.stop();
  }

  private trunkStates(): Map<string, TrunkState> {
    return trunkStates(this.c.config.trunks, { connected: this.c.pbx.connected, gateways: this.monitor.gatewayMap, channels: this.c.pbx.channels.list(), lines: this.linesView });
  }

  /** The outside calls on the trunks now, for pre-emption (not those already being released). */
  private trunkCalls(): TrunkCall[] {
    return this.c.pbx.channels
      .list()
      .filter((ch) => ch.trunkId && ch.callState !== 'HANGUP' && !this.releasing.has(ch.uuid))
      .map((ch) => ({ uuid: ch.uuid, trunk: ch.trunkId!, priority: ch.priority ?? (ch.alarmId ? 'emergency' : 'normal'), startedAt: ch.createdAt }));
  }

  private state(explain = false): RuntimeState {
    return { trunks: this.trunkStates(), calls: this.trunkCalls(), night: this.night.mode, explain, onListHit: (list, e) => this.lists.hit(list, e) };
  }

  /** Decide a call FreeSWITCH is routing now; a pre-emption is carried out before the answer. */
  async decide(req: CallRequest, o: { uuid?: string } = {}): Promise<RouteDecision> {
    const d = route(req, this.tables, this.state());
    const line = {
      uuid: o.uuid, direction: req.direction, from: req.from, to: req.to, ...(req.direction === 'inbound' ? { trunk: req.trunk } : {}),
      decision: d.decision, rule: d.rule, class: d.class, priority: d.priority, destinations: d.destinations.map(describe), reason: d.reason, skipped: d.skipped.length ? d.skipped : undefined,
    };
    if (d.decision === 'refuse') this.c.log.info(line, `call ${req.from || '?'} → ${req.to} refused (${d.rule ?? 'no rule'}): ${d.reason}`);
    else this.c.log.info(line, `call ${req.from || '?'} → ${req.to} routed by ${d.rule}`);
    if (d.preempt) await this.preempt(d, req.to, o.uuid);
    return d;
  }

  /** 强拆: release the chosen call, audited and reported to central whatever the outcome. */
  private async preempt(d: RouteDecision, number: string, uuid: string | undefined): Promise<void> {
    const p = d.preempt!;
    this.releasing.add(p.uuid);
    setTimeout(() => this.releasing.delete(p.uuid), 10_000).unref();
    const r = await Promise.race([this.c.pbx.forceRelease(p.uuid), new Promise<CommandOutcome<void>>((res) => setTimeout(() => res({ ok: false, reason: 'timeout', message: `no answer in ${RELEASE_WAIT_MS} ms` }), RELEASE_WAIT_MS))]);
    const detail = `强拆: released the ${p.priority}-priority call ${p.uuid} on trunk ${p.trunk} for the emergency call to ${number}${uuid ? ` (${uuid})` : ''}: ${r.ok ? 'done' : r.message}`;
    (r.ok ? this.c.log.warn : this.c.log.error).call(this.c.log, { released: p.uuid, trunk: p.trunk, emergency: uuid, ok: r.ok }, detail);
    try {
      const audit = await this.c.store.tx(async (q) => {
        const e = await q.audit.insert({ username: 'system', role: null, ip: null, action: 'routing.force-release', target: p.uuid, outcome: r.ok ? 'ok' : 'failed', detail });
        await q.outbox.enqueue('event', { kind: 'route-preempt', released: p.uuid, trunk: p.trunk, priority: p.priority, uuid: uuid ?? null, number, outcome: r.ok ? 'released' : 'failed', detail, at: new Date().toISOString() });
        return e;
      }, { urgent: true });
      this.c.bus.emit('audit', audit);
      this.c.notify();
    } catch (err) {
      this.c.log.error({ err }, 'cannot record the pre-emption');
    }
  }

  /** The route tester: what would happen to this call, with every rule passed over. */
  test(b: RouteTestBody): RouteDecision {
    const at = b.at ? new Date(b.at) : new Date();
    const req: CallRequest = b.trunk !== undefined ? { direction: 'inbound', trunk: b.trunk, from: b.from, to: b.to, at } : { direction: 'outbound', from: b.from, to: b.to, at };
    return route(req, this.tables, { ...this.state(true), onListHit: undefined });
  }

  /** The trunk a call from a gateway comes from: our gateway variable, sofia's gateway name, or the sender's address. */
  trunkOf(o: { leg?: string; gateway?: string; address?: string }): string | undefined {
    const t = this.tables.trunks;
    if (o.leg && t.has(o.leg)) return o.leg;
    if (o.gateway && t.has(o.gateway)) return o.gateway;
    if (o.address) for (const tr of t.values()) if (tr.gateway.proxy.split(':')[0] === o.address) return tr.id;
    return undefined;
  }

  trunkStatus(): TrunkStatus[] {
    const states = this.trunkStates();
    return this.c.config.trunks.map((t) => {
      const s = states.get(t.id)!;
      return { id: t.id, name: t.name ?? null, kind: t.kind, up: s.up, detail: s.detail, capacity: s.capacity, inUse: s.inUse };
    });
  }

  view(): RoutingView {
    const at = new Date();
    return {
      trunks: this.trunkStatus(),
      night: this.night,
      lists: this.c.config.lists.map((l) => ({ id: l.id, name: l.name ?? null, kind: l.kind, direction: l.direction, treatment: l.treatment, entries: l.entries.length + this.lists.entries().filter((e) => e.list === l.id).length })),
      schedules: [...this.tables.schedules.values()].map((s) => {
        const st = s.state(at, this.night.mode);
        return { id: s.id, name: this.c.config.schedules.find((x) => x.id === s.id)?.name ?? null, open: st.open, why: st.why, next: s.nextChange(at)?.toISOString() ?? null };
      }),
    };
  }

  nightMode(): NightModeState {
    return this.night;
  }

  /** Night mode from the UI or central: stored, audited, reported; every schedule follows it until set back to auto. */
  async setNightMode(mode: NightMode, actor: Actor): Promise<NightModeState> {
    const state: NightModeState = { mode, by: actor.username, at: new Date().toISOString() };
    const audit = await this.c.store.tx(async (q) => {
      await q.settings.set(NIGHT_MODE_KEY, state, actor.username);
      await q.outbox.enqueue('event', { kind: 'night-mode', mode, by: actor.username ?? 'unknown', at: state.at! });
      return q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: 'routing.night-mode', target: mode, outcome: 'ok', detail: mode === 'auto' ? 'the schedules decide again' : `every schedule is ${mode === 'night' ? 'closed' : 'open'} until set back to auto` });
    });
    this.night = state;
    this.c.bus.emit('audit', audit);
    this.c.notify();
    this.c.log.warn({ mode, by: actor.username }, `night mode ${mode}`);
    this.changed();
    return state;
  }

  private lastView = '';

  /** Coalesce trunk and list changes into one UI update, sent only when something the UI shows changed. */
  private changed(): void {
    if (this.viewTimer) return;
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      const v = this.view();
      const text = JSON.stringify(v);
      if (text === this.lastView) return;
      this.lastView = text;
      this.c.bus.emit('routing', v);
    }, 200);
    this.viewTimer.unref();
  }
}
