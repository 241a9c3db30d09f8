// The ACD: the daemon's own queue engine over the event socket (README.md
// here says why it is not mod_callcenter). A route to a queue answers the
// call and parks it with callpoint_queue set (provisioning/src/route-extension.ts);
// the CHANNEL_PARK hands it here. The call is written down (queue_calls)
// before anything else, hears the hold tone, and is ranked by the queue
// decision (queue-decision.ts) with every other waiting call. The chosen
// agent's phone is called (originate … &park(), ringing the queue's ringS);
// when it answers, the two legs are joined (uuid_bridge). A phone that does
// not answer is passed over for that call and the next agent is offered it.
// When the call ends the agent wraps up for the queue's wrapUpS. A caller
// still waiting after maxWaitS goes to the queue's overflow: another queue
// (keeping its arrival time), or phones rung at once — if none answers, back
// to waiting. Nothing is dropped by the queue: only the caller ends a call.
//
// A restart serves the waiting calls again in their order: the rows say who
// waits, since when, and which phones were ringing (those offers are
// cancelled, or kept if they had been bridged); the live channel table says
// who is still there.
import { randomUUID } from 'node:crypto';
import type { Config, QueueConfig } from '../config/schema.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { DeskView } from '../contracts/desk.js';
import { CALLER_NUMBER_RE } from '../contracts/values.js';
import type { EventBus } from '../events/bus.js';
import type { Component } from '../lifecycle/components.js';
import type { Logger } from '../log/logger.js';
import type { OriginateOptions, ToneName } from '../pbx/commands/builders.js';
import type { CommandOutcome, ParkedCall } from '../pbx/gateway.js';
import type { HangupCause } from '../pbx/commands/grammar.js';
import type { OfferLeg, QueueCallRow } from '../store/desk-repo.js';
import type { Store } from '../store/store.js';
import { AgentBook, type AgentAction, type AgentActionResult } from './agent-book.js';
import { DeskFeed } from './desk-feed.js';
import type { Actor } from '../accounts/actor.js';
import { decide, type CallStanding, type QueueSpec, type WaitingCall } from './queue-decision.js';

/** What the desk needs of the FreeSWITCH gateway. */
export interface DeskPbx {
  whenReady(ms: number): Promise<boolean>;
  onParked(fn: (p: ParkedCall) => void): () => void;
  channels: { get(uuid: string): LiveChannel | undefined };
  originate(o: OriginateOptions): Promise<CommandOutcome<{ uuid: string }>>;
  bridge(a: string, b: string): Promise<CommandOutcome<void>>;
  hangup(uuid: string, cause?: HangupCause): Promise<CommandOutcome<void>>;
  playTone(uuid: string, tone: ToneName, leg?: 'aleg' | 'bleg' | 'both'): Promise<CommandOutcome<void>>;
}

export interface DeskContext {
  config: Config;
  store: Store;
  bus: EventBus;
  log: Logger;
  pbx: DeskPbx;
}

/** A call in a queue, as held in memory (its row, and what is happening to it now). */
interface Held {
  row: QueueCallRow;
  /** Phones ringing with it now. */
  offer: OfferLeg[];
  /** When it goes to the overflow next (ms). */
  overflowAt: number;
  /**
   * Its row is written (queue_calls): only then may it be offered or
   * overflowed. Until then it is shown and ranked (the wallboard shows what
   * FreeSWITCH holds, and no call below it takes the agent meant for it).
   */
  stored: boolean;
}

/** An answered call: the agent (or overflow phone) busy with it until either leg ends. */
interface Talk {
  caller: string;
  leg: string;
  extension: string;
  queue: string;
  /** Overflow phones are not agents: no wrap-up. */
  agent: boolean;
}

const VIP_NUMBER = (n: string) => n.replace(/^\+?86/, '').replace(/^0/, '');

export class AcdService implements Component {
  readonly name = 'desk';
  private readonly agents: AgentBook;
  private readonly waiting = new Map<string, Held>();
  private readonly talks = new Map<string, Talk>();
  /** Round-robin: the agent last offered a call, per queue. */
  private readonly lastOffered = new Map<string, string>();
  private offs: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  /** After a restart: no offer until the old run's offers are settled (resume()). */
  private resumed = true;
  private standings = new Map<string, CallStanding>();
  /** The wallboard's `desk` events, after each turn of the decision. */
  private readonly feed: DeskFeed;

  constructor(private c: DeskContext) {
    this.agents = new AgentBook({ store: c.store, bus: c.bus, config: () => this.c.config });
    this.feed = new DeskFeed({ bus: c.bus, view: () => this.view() });
  }

  private queue(id: string): QueueConfig | undefined {
    return this.c.config.queues.find((q) => q.id === id);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.agents.load();
    const rows = await this.c.store.desk.waiting();
    for (const row of rows) this.waiting.set(row.uuid, { row, offer: row.offerLegs, overflowAt: this.overflowDue(row, Date.parse(row.arrivedAt), row.overflows + 1), stored: true });
    const talking = await this.c.store.desk.talking();
    for (const r of talking) if (r.agent) this.talks.set(r.uuid, { caller: r.uuid, leg: '', extension: r.agent, queue: r.queue, agent: this.agents.configured().has(r.agent) });
    this.offs.push(this.c.pbx.onParked((p) => {
      if (p.queue) void this.arrived(p).catch((err: unknown) => this.c.log.error({ err, call: p.uuid }, 'queue call not taken in'));
    }));
    this.offs.push(this.c.bus.on('channel', ({ uuid, channel }) => {
      if (channel === null) void this.gone(uuid).catch((err: unknown) => this.c.log.error({ err, call: uuid }, 'queue call end not recorded'));
    }));
    this.timer = setInterval(() => this.schedule(), 1000);
    this.timer.unref();
    if (rows.length || talking.length) {
      this.resumed = false;
      this.c.log.warn({ waiting: rows.length, talking: talking.length }, 'queue calls resumed after start');
      void this.resume().catch((err: unknown) => this.c.log.error({ err }, 'queue calls not resumed'));
    } else this.schedule();
    this.c.log.info({ queues: this.c.config.queues.map((q) => q.id) }, 'desk ready');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.timer);
    this.feed.stop();
  }

  /** The configuration changed: queues and agents as it now says; calls waiting stay (in a queue now gone, they wait for it to return). */
  reconfigure(config: Config): void {
    this.c = { ...this.c, config };
    this.schedule();
  }

  private overflowDue(row: QueueCallRow, from: number, times = 1): number {
    return from + times * (this.queue(row.queue)?.maxWaitS ?? 120) * 1000;
  }

  /** After a restart, once FreeSWITCH's channels are known: who is still there, which offers still ring. */
  private async resume(): Promise<void> {
    const ready = await this.c.pbx.whenReady(15_000);
    if (!ready) this.c.log.error('FreeSWITCH is not reachable: the waiting queue calls are kept until it is');
    const now = new Date().toISOString();
    for (const h of [...this.waiting.values()]) {
      const caller = this.c.pbx.channels.get(h.row.uuid);
      if (ready && !caller) {
        this.waiting.delete(h.row.uuid);
        await this.c.store.desk.ended(h.row.uuid, now, true);
        this.c.log.warn({ call: h.row.uuid, queue: h.row.queue }, 'a queue call ended while the daemon was away');
        continue;
      }
      // The old run's offers: a phone that answered and was joined keeps the call; the rest are cancelled.
      const joined = h.offer.find((o) => caller?.bridgedTo === o.leg);
      for (const o of h.offer) if (o !== joined && this.c.pbx.channels.get(o.leg)) await this.c.pbx.hangup(o.leg, 'ORIGINATOR_CANCEL');
      h.offer = [];
      if (joined) await this.answered(h, joined);
      else {
        await this.c.store.desk.offering(h.row.uuid, []);
        void this.c.pbx.playTone(h.row.uuid, 'queue-hold', 'aleg');
      }
    }
    for (const t of [...this.talks.values()]) {
      if (ready && !this.c.pbx.channels.get(t.caller)) await this.talkEnded(t);
    }
    this.resumed = true;
    this.schedule();
  }

  /** A call parked by a route to a queue. */
  private async arrived(p: ParkedCall): Promise<void> {
    if (this.waiting.has(p.uuid) || this.talks.has(p.uuid)) return;
    const q = p.queue ? this.queue(p.queue) : undefined;
    if (!q) {
      // Our dialplan names configured queues only: a dialplan older than this configuration. The caller is not left in silence.
      this.c.log.error({ call: p.uuid, queue: p.queue }, 'a call parked for a queue that is not configured: hung up');
      await this.c.pbx.hangup(p.uuid, 'UNALLOCATED_NUMBER');
      return;
    }
    const caller = p.callerNumber && CALLER_NUMBER_RE.test(p.callerNumber) ? p.callerNumber : null;
    const arrived = Date.now();
    const row: QueueCallRow = {
      uuid: p.uuid, queue: q.id, firstQueue: q.id, caller, zone: p.zone, urgency: p.emergency ? 'emergency' : 'normal',
      vip: !!caller && q.vip.some((v) => VIP_NUMBER(v) === VIP_NUMBER(caller)), skill: p.skill, arrivedAt: new Date(arrived).toISOString(),
      state: 'waiting', agent: null, passedOver: [], offerLegs: [], overflows: 0, answeredAt: null, endedAt: null,
    };
    const held: Held = { row, offer: [], overflowAt: this.overflowDue(row, arrived), stored: false };
    this.waiting.set(p.uuid, held);
    // On the wallboard now, not after the write or the hold tone's answer from FreeSWITCH.
    this.feed.changed();
    // Written before anything is offered: a restart serves it.
    try {
      await this.c.store.desk.enqueue(row);
    } catch (err) {
      if (this.waiting.get(p.uuid) === held) this.waiting.delete(p.uuid);
      this.feed.changed();
      throw err;
    }
    held.stored = true;
    // The caller hung up while it was written (gone() wrote the end after this row).
    if (this.waiting.get(p.uuid) !== held) return;
    this.c.log.info({ call: p.uuid, queue: q.id, caller, zone: p.zone, urgency: row.urgency, vip: row.vip, skill: p.skill }, `call from ${caller ?? 'an unknown number'} waits in queue ${q.id}`);
    // The hold tone is started before any offer, so it can never be laid over a call already joined to an agent.
    const tone = await this.c.pbx.playTone(p.uuid, 'queue-hold', 'aleg');
    if (!tone.ok) this.c.log.warn({ call: p.uuid, reason: tone.message }, 'no hold tone for the waiting caller');
    // Offered now (an emergency's agent was kept for it during the write).
    this.schedule();
  }

  /** A channel is gone: a waiting caller gave up, or a call of an agent ended. */
  private async gone(uuid: string): Promise<void> {
    const h = this.waiting.get(uuid);
    if (h) {
      this.waiting.delete(uuid);
      for (const o of h.offer) void this.c.pbx.hangup(o.leg, 'ORIGINATOR_CANCEL');
      const waitedS = Math.round((Date.now() - Date.parse(h.row.arrivedAt)) / 1000);
      await this.c.store.desk.ended(uuid, new Date().toISOString(), true);
      this.c.log.info({ call: uuid, queue: h.row.queue, waitedS }, `caller ${h.row.caller ?? '?'} hung up after waiting ${waitedS} s in queue ${h.row.queue}`);
      this.schedule();
      return;
    }
    const t = this.talks.get(uuid) ?? [...this.talks.values()].find((x) => x.leg === uuid);
    if (t) await this.talkEnded(t);
  }

  private async talkEnded(t: Talk): Promise<void> {
    if (!this.talks.delete(t.caller)) return;
    // The agent's wrap-up holds from this moment (callEnded sets it before writing): no decision in between sees the agent free.
    const wrapUpS = t.agent ? (this.queue(t.queue)?.wrapUpS ?? 0) : 0;
    const wrapUp = t.agent ? this.agents.callEnded(t.extension, wrapUpS) : Promise.resolve();
    await Promise.all([wrapUp, this.c.store.desk.ended(t.caller, new Date().toISOString(), false)]);
    if (t.agent) this.c.log.info({ agent: t.extension, queue: t.queue, wrapUpS }, `agent ${t.extension} wraps up for ${wrapUpS} s`);
    this.schedule();
  }

  /** Run the decision soon (coalesced; never two at once). */
  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      void this.run()
        .catch((err: unknown) => this.c.log.error({ err }, 'queue decision failed'))
        .finally(() => {
          this.running = false;
          // Every change (a call in or gone, an offer, an answer, an agent's action, a wrap-up over) ends in a turn here.
          this.feed.changed();
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    });
  }

  /** Extensions ringing with a call or talking on one: busy for the decision. */
  private busyPhones(): Set<string> {
    const out = new Set<string>();
    for (const h of this.waiting.values()) for (const o of h.offer) out.add(o.extension);
    for (const t of this.talks.values()) out.add(t.extension);
    return out;
  }

  private decideNow(now: number) {
    const busy = this.busyPhones();
    const specs: QueueSpec[] = this.c.config.queues.map((q) => ({ id: q.id, strategy: q.strategy, agents: q.agents, lastOffered: this.lastOffered.get(q.id) ?? null }));
    const statuses = [...this.agents.configured().keys()].map((ext) => ({ extension: ext, state: this.agents.state(ext, now, busy.has(ext)), idleSince: this.agents.idleSince(ext) }));
    const calls: WaitingCall[] = [...this.waiting.values()]
      .filter((h) => !h.offer.length)
      .map((h) => ({ uuid: h.row.uuid, queue: h.row.queue, arrivedAt: Date.parse(h.row.arrivedAt), urgency: h.row.urgency, zone: h.row.zone, vip: h.row.vip, skill: h.row.skill, passedOver: h.row.passedOver }));
    return decide(specs, statuses, calls, now);
  }

  private async run(): Promise<void> {
    if (!this.resumed) return;
    const now = Date.now();
    // Overflow first: a call due goes to its overflow instead of waiting for an agent here.
    for (const h of this.waiting.values()) {
      if (!h.stored || h.offer.length || now < h.overflowAt) continue;
      const q = this.queue(h.row.queue);
      if (!q?.overflow) {
        h.overflowAt = now + (q?.maxWaitS ?? 120) * 1000;
        continue;
      }
      await this.overflow(h, q);
    }
    const d = this.decideNow(now);
    this.standings = new Map(d.standings.map((s) => [s.call, s]));
    for (const a of d.assignments) {
      const h = this.waiting.get(a.call);
      const q = this.queue(a.queue);
      // Not written yet: its agent waits for it (the write ends in another turn).
      if (!h?.stored || !q) continue;
      this.c.log.info({ call: a.call, queue: a.queue, agents: a.agents, why: a.why, reasons: this.standings.get(a.call)?.reasons }, `offering ${h.row.caller ?? 'a call'} to ${a.agents.join(', ')}: ${a.why}`);
      if (q.strategy === 'round-robin') this.lastOffered.set(q.id, a.agents[0]!);
      // Not awaited: the phones ring for ringS while the next call is offered (h.offer marks them busy at once).
      this.ring(h, a.agents, q.ringS, true);
    }
  }

  private async overflow(h: Held, q: QueueConfig): Promise<void> {
    const o = q.overflow!;
    const now = Date.now();
    if (o.kind === 'queue') {
      await this.c.store.desk.moved(h.row.uuid, o.queue);
      this.c.log.warn({ call: h.row.uuid, from: q.id, to: o.queue }, `call waited ${q.maxWaitS} s in ${q.id}: moved to queue ${o.queue}`);
      h.row = { ...h.row, queue: o.queue, passedOver: [], overflows: h.row.overflows + 1 };
      h.overflowAt = this.overflowDue(h.row, now);
      return;
    }
    await this.c.store.desk.overflowTried(h.row.uuid);
    h.row = { ...h.row, overflows: h.row.overflows + 1 };
    h.overflowAt = now + q.maxWaitS * 1000;
    const phones = (o.kind === 'extension' ? [o.extension] : o.extensions).filter((e) => !this.busyPhones().has(e));
    this.c.log.warn({ call: h.row.uuid, queue: q.id, phones }, `call waited ${q.maxWaitS} s in ${q.id}: overflow to ${phones.join(', ') || 'phones all busy'}`);
    if (phones.length) this.ring(h, phones, o.ringS, false);
  }

  private ring(h: Held, extensions: string[], ringS: number, agents: boolean): void {
    this.offer(h, extensions, ringS, agents).catch((err: unknown) => {
      this.c.log.error({ err, call: h.row.uuid }, 'offering the call failed; it waits again');
      h.offer = [];
      this.schedule();
    });
  }

  /**
   * Ring these phones with the call; the first to answer is joined to the
   * caller, the others are cancelled. None answers: agents are passed over
   * for this call and it waits again.
   */
  private async offer(h: Held, extensions: string[], ringS: number, agents: boolean): Promise<void> {
    const legs: OfferLeg[] = extensions.map((extension) => ({ leg: randomUUID(), extension }));
    h.offer = legs;
    await this.c.store.desk.offering(h.row.uuid, legs);
    let won: OfferLeg | undefined;
    /** Phones that refused or let it ring out (not those FreeSWITCH could not reach: that is not the agent's doing). */
    const refused: string[] = [];
    const tries = legs.map(async (l) => {
      const r = await this.c.pbx.originate({
        target: { kind: 'extension', number: l.extension }, app: { app: 'park' }, uuid: l.leg, timeoutS: ringS,
        ...(h.row.caller ? { callerIdNumber: h.row.caller } : {}),
        variables: { callpoint_queue: h.row.queue, callpoint_queue_call: h.row.uuid, hangup_after_bridge: 'true' },
      });
      if (!r.ok) {
        if (r.reason === 'rejected') refused.push(l.extension);
        this.c.log.info({ call: h.row.uuid, phone: l.extension, reason: r.message }, `${l.extension} did not take the call: ${r.message}`);
        return;
      }
      if (won || !this.waiting.has(h.row.uuid)) {
        // Another phone was first, or the caller has gone.
        await this.c.pbx.hangup(l.leg, 'ORIGINATOR_CANCEL');
        return;
      }
      won = l;
      for (const other of legs) if (other !== l) void this.c.pbx.hangup(other.leg, 'ORIGINATOR_CANCEL');
      const b = await this.c.pbx.bridge(h.row.uuid, l.leg);
      if (!b.ok) {
        this.c.log.error({ call: h.row.uuid, phone: l.extension, reason: b.message }, 'the answered phone could not be joined to the caller');
        won = undefined;
        await this.c.pbx.hangup(l.leg, 'NORMAL_TEMPORARY_FAILURE');
        return;
      }
      await this.answered(h, l, agents);
    });
    await Promise.all(tries);
    if (won || !this.waiting.has(h.row.uuid)) return;
    h.offer = [];
    if (agents && refused.length) {
      const passed = [...new Set([...h.row.passedOver, ...refused])];
      h.row = { ...h.row, passedOver: passed };
      await this.c.store.desk.passOver(h.row.uuid, passed);
    }
    await this.c.store.desk.offering(h.row.uuid, []);
    this.schedule();
  }

  private async answered(h: Held, l: OfferLeg, agent = this.agents.configured().has(l.extension)): Promise<void> {
    this.waiting.delete(h.row.uuid);
    h.offer = [];
    this.talks.set(h.row.uuid, { caller: h.row.uuid, leg: l.leg, extension: l.extension, queue: h.row.queue, agent });
    await this.c.store.desk.answered(h.row.uuid, l.extension, new Date().toISOString(), agent ? 'answered' : 'overflowed');
    const waitedS = Math.round((Date.now() - Date.parse(h.row.arrivedAt)) / 1000);
    this.c.log.info({ call: h.row.uuid, queue: h.row.queue, phone: l.extension, waitedS }, `${l.extension} took ${h.row.caller ?? 'the call'} after ${waitedS} s in queue ${h.row.queue}`);
    // The other leg may already be gone (a hang-up in the moment of joining).
    if (!this.c.pbx.channels.get(h.row.uuid) || !this.c.pbx.channels.get(l.leg)) {
      const t = this.talks.get(h.row.uuid);
      if (t && !this.c.pbx.channels.get(h.row.uuid)) await this.talkEnded(t);
    }
    this.schedule();
  }

  /** May this actor act for this agent (null: yes)? */
  authorise(extension: string, actor: Actor): Exclude<AgentActionResult, { ok: true }> | null {
    return this.agents.authorise(extension, actor);
  }

  /** An agent's action from the UI (or, later, a feature code): stored, audited, then the queues move. */
  async agentAction(extension: string, action: AgentAction, actor: Actor, reason: string | null = null): Promise<AgentActionResult> {
    const r = await this.agents.act(extension, action, actor, reason);
    if (r.ok) this.schedule();
    return r;
  }

  view(): DeskView {
    const now = Date.now();
    const busy = this.busyPhones();
    const standings = this.decideNow(now).standings;
    const byCall = new Map(standings.map((s) => [s.call, s]));
    const callOf = new Map<string, string>();
    for (const h of this.waiting.values()) for (const o of h.offer) callOf.set(o.extension, h.row.uuid);
    for (const t of this.talks.values()) callOf.set(t.extension, t.caller);
    const agents = [...this.agents.configured()].map(([ext, a]) => {
      const row = this.agents.row(ext);
      const state = this.agents.state(ext, now, busy.has(ext));
      return { extension: ext, user: a.user, state, reason: state === 'paused' ? (row?.reason ?? null) : null, since: row?.since ?? null, wrapUpUntil: state === 'wrap-up' ? (row?.wrapUpUntil ?? null) : null, call: callOf.get(ext) ?? null, queues: a.queues };
    });
    const queues = this.c.config.queues.map((q) => {
      const waiting = [...this.waiting.values()]
        .filter((h) => h.row.queue === q.id)
        .map((h) => {
          const s = byCall.get(h.row.uuid);
          const waitedS = Math.max(0, Math.round((now - Date.parse(h.row.arrivedAt)) / 1000));
          return {
            uuid: h.row.uuid, queue: q.id, caller: h.row.caller, zone: h.row.zone, urgency: h.row.urgency, vip: h.row.vip, skill: h.row.skill, arrivedAt: h.row.arrivedAt,
            // A call ringing at a phone is served now: ahead of those still waiting.
            position: s?.position ?? 0, reasons: s?.reasons ?? [`waiting ${waitedS} s`], offeredTo: h.offer.map((o) => o.extension), waitingFor: h.offer.length ? null : (s?.waitingFor ?? null),
          };
        })
        .sort((a, b) => a.position - b.position || a.arrivedAt.localeCompare(b.arrivedAt));
      return { id: q.id, name: q.name ?? null, strategy: q.strategy, agents: q.agents.map((a) => a.extension), waiting };
    });
    return { queues, agents };
  }
}
