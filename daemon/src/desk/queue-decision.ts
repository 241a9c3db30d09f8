// The queue decision: which waiting call goes to which free agent now, and
// why each waiting call stands where it does. Pure: the ACD service feeds it
// the calls, the agents' states and the time, and carries the answer out.
//
// Order (the same rule for the answer and for its explanation):
//   1. emergency calls, ahead of every other call of every queue; one whose
//      own queue has no free agent takes a free agent of another queue;
//   2. VIP callers (the queue's vip list);
//   3. callers whose zone a free agent of their queue covers;
//   4. the longest waiting (arrival time; a call moved by overflow keeps it).
// The best-ranked call is given its agent first, then the next is ranked
// again with the agents left, so "covered by a free agent" is always true of
// the agents really left. Among the free agents a call may have, those
// covering the caller's zone come first; then the queue's strategy:
//   longest-idle  the agent free the longest;
//   round-robin   the next agent after the last one offered a call, in the
//                 order the queue lists them;
//   ring-all      every one of them rings; the first to answer takes it;
//   skill         the highest level of the skill the call needs (agents
//                 without it are not offered the call while one with it is
//                 logged in), then the longest idle.
// An agent who let this call ring out is passed over for it, until every
// agent it could have has been tried: then all are tried again.
import type { AgentState, QueueStrategy } from '../contracts/values.js';

export interface QueueAgent {
  extension: string;
  skills: Readonly<Record<string, number>>;
  zones: readonly string[];
}

export interface QueueSpec {
  id: string;
  strategy: QueueStrategy;
  /** In the configuration's order (round-robin goes through them in it). */
  agents: readonly QueueAgent[];
  /** round-robin: the extension last offered a call of this queue. */
  lastOffered?: string | null;
}

export interface AgentStatus {
  extension: string;
  state: AgentState;
  /** ms (epoch): since when the agent has been without a call; longest-idle and skill use it. */
  idleSince: number;
}

export interface WaitingCall {
  uuid: string;
  queue: string;
  /** ms (epoch). */
  arrivedAt: number;
  urgency: 'emergency' | 'normal';
  zone: string | null;
  vip: boolean;
  skill: string | null;
  /** Agents who let this call ring out. */
  passedOver: readonly string[];
}

export interface Assignment {
  call: string;
  queue: string;
  /** One agent; several for ring-all. */
  agents: string[];
  /** Why these agents. */
  why: string;
}

export interface CallStanding {
  call: string;
  queue: string;
  /** 1 = next in its queue. */
  position: number;
  /** Why it stands there, most important first ("emergency: ahead of all", "VIP", "zone tunnel-a: agent 1001 covers it", "waiting 42 s"). */
  reasons: string[];
  /** An agent now, or why none. */
  assigned: Assignment | null;
  waitingFor: string | null;
}

export interface QueueDecision {
  assignments: Assignment[];
  /** Every waiting call, in the order it is served (emergencies of every queue first). */
  standings: CallStanding[];
}

const FREE: AgentState = 'available';

interface Rank {
  emergency: boolean;
  vip: boolean;
  zoneAgents: string[];
  arrivedAt: number;
}

function better(a: Rank, b: Rank): boolean {
  if (a.emergency !== b.emergency) return a.emergency;
  if (a.vip !== b.vip) return a.vip;
  const az = a.zoneAgents.length > 0;
  const bz = b.zoneAgents.length > 0;
  if (az !== bz) return az;
  return a.arrivedAt < b.arrivedAt;
}

export function decide(queues: readonly QueueSpec[], agents: readonly AgentStatus[], calls: readonly WaitingCall[], now: number): QueueDecision {
  const byQueue = new Map(queues.map((q) => [q.id, q]));
  const status = new Map(agents.map((a) => [a.extension, a]));
  const free = new Set(agents.filter((a) => a.state === FREE).map((a) => a.extension));
  const loggedIn = (ext: string) => {
    const s = status.get(ext)?.state;
    return s !== undefined && s !== 'logged-out' && s !== 'paused';
  };
  const idle = (ext: string) => status.get(ext)?.idleSince ?? now;
  const left = calls.filter((c) => byQueue.has(c.queue));
  const standings: CallStanding[] = [];
  const assignments: Assignment[] = [];
  const position = new Map<string, number>();

  /** The free agents of a queue this call may be given (before zone and strategy). */
  const candidates = (c: WaitingCall, q: QueueSpec): { agents: QueueAgent[]; waitingFor: string | null; note: string | null } => {
    let pool = q.agents.filter((a) => free.has(a.extension));
    let note: string | null = null;
    if (q.strategy === 'skill' && c.skill) {
      const skilled = q.agents.filter((a) => (a.skills[c.skill!] ?? 0) > 0);
      if (skilled.some((a) => loggedIn(a.extension))) {
        pool = pool.filter((a) => (a.skills[c.skill!] ?? 0) > 0);
        if (!pool.length) return { agents: [], waitingFor: `waiting for an agent with skill ${c.skill}`, note: null };
      } else note = `no agent with skill ${c.skill} is logged in: any agent`;
    }
    const fresh = pool.filter((a) => !c.passedOver.includes(a.extension));
    if (fresh.length) pool = fresh;
    else if (pool.length) note = [note, `every free agent let it ring: offered again`].filter(Boolean).join('; ');
    return { agents: pool, waitingFor: pool.length ? null : 'no free agent', note };
  };

  const zoneAgentsOf = (c: WaitingCall, pool: QueueAgent[]) => (c.zone ? pool.filter((a) => a.zones.includes(c.zone!)).map((a) => a.extension) : []);

  /** An emergency call whose queue has no free agent: a free agent of any queue. */
  const borrowed = (c: WaitingCall): { agent: QueueAgent; from: string } | undefined => {
    const all = queues.flatMap((q) => q.agents.filter((a) => free.has(a.extension)).map((agent) => ({ agent, from: q.id })));
    const zoned = c.zone ? all.filter((x) => x.agent.zones.includes(c.zone!)) : [];
    const list = zoned.length ? zoned : all;
    return list.length ? list.reduce((a, b) => (idle(b.agent.extension) < idle(a.agent.extension) ? b : a)) : undefined;
  };

  /** The call `c` takes its place (and an agent, if one is left for it). */
  const stand = (c: WaitingCall, rank: Rank, pool: ReturnType<typeof candidates>) => {
    const q = byQueue.get(c.queue)!;
    const pos = (position.get(q.id) ?? 0) + 1;
    position.set(q.id, pos);
    const reasons: string[] = [];
    if (rank.emergency) reasons.push('emergency: ahead of all');
    if (rank.vip) reasons.push('VIP');
    if (c.zone) reasons.push(rank.zoneAgents.length ? `zone ${c.zone}: agent ${rank.zoneAgents.join(', ')} covers it` : `zone ${c.zone}: no free agent covers it`);
    reasons.push(`waiting ${Math.max(0, Math.round((now - c.arrivedAt) / 1000))} s`);

    let chosen: { agents: string[]; why: string } | undefined;
    if (pool.agents.length) {
      let zoned = rank.zoneAgents.length ? pool.agents.filter((a) => rank.zoneAgents.includes(a.extension)) : pool.agents;
      // A call no zone ties to leaves the agents covering a waiting caller's zone to that caller, if it can.
      const kept = rank.zoneAgents.length ? [] : zoned.filter((a) => left.some((o) => o.zone && a.zones.includes(o.zone)));
      if (kept.length && kept.length < zoned.length) zoned = zoned.filter((a) => !kept.includes(a));
      chosen = pick(q, zoned, c, idle, now);
      if (rank.zoneAgents.length) chosen.why = `covers zone ${c.zone}; ${chosen.why}`;
      else if (kept.length && kept.length < pool.agents.length) chosen.why = `${chosen.why}; ${kept.map((a) => a.extension).join(', ')} kept for callers of ${[...new Set(kept.flatMap((a) => a.zones))].join(', ')}`;
      if (pool.note) chosen.why = `${pool.note}; ${chosen.why}`;
    } else if (rank.emergency) {
      const b = borrowed(c);
      if (b) chosen = { agents: [b.agent.extension], why: `emergency: no free agent in ${q.id}, agent ${b.agent.extension} of ${b.from} takes it` };
    }
    let assigned: Assignment | null = null;
    if (chosen) {
      assigned = { call: c.uuid, queue: q.id, agents: chosen.agents, why: chosen.why };
      assignments.push(assigned);
      for (const a of chosen.agents) free.delete(a);
    }
    standings.push({ call: c.uuid, queue: q.id, position: pos, reasons, assigned, waitingFor: assigned ? null : (pool.waitingFor ?? 'no free agent') });
  };

  while (left.length) {
    // Rank every call left against the agents left; take the best.
    const pools = left.map((c) => candidates(c, byQueue.get(c.queue)!));
    const ranks = left.map((c, i): Rank => ({ emergency: c.urgency === 'emergency', vip: c.vip, zoneAgents: zoneAgentsOf(c, pools[i]!.agents), arrivedAt: c.arrivedAt }));
    // No call left can have an agent (none is free for it, and no emergency may borrow one): no rank can change any
    // more. The rest stand in rank order at once — a stable sort, the order repeated picking of the first best gives —
    // instead of being ranked again for each place (200 waiting calls: 200 rankings of 200).
    if (pools.every((p) => !p.agents.length) && (!free.size || !left.some((c) => c.urgency === 'emergency'))) {
      const order = left.map((_, i) => i).sort((a, b) => (better(ranks[a]!, ranks[b]!) ? -1 : better(ranks[b]!, ranks[a]!) ? 1 : 0));
      const rest = left.splice(0);
      for (const i of order) stand(rest[i]!, ranks[i]!, pools[i]!);
      break;
    }
    let best = 0;
    for (let i = 1; i < left.length; i++) if (better(ranks[i]!, ranks[best]!)) best = i;
    const c = left.splice(best, 1)[0]!;
    stand(c, ranks[best]!, pools[best]!);
  }
  return { assignments, standings };
}

const secondsIdle = (now: number, since: number) => `${Math.max(0, Math.round((now - since) / 1000))} s`;

function pick(q: QueueSpec, pool: QueueAgent[], c: WaitingCall, idle: (ext: string) => number, now: number): { agents: string[]; why: string } {
  const longestIdle = (list: QueueAgent[]) => list.reduce((a, b) => (idle(b.extension) < idle(a.extension) ? b : a));
  switch (q.strategy) {
    case 'ring-all':
      return { agents: pool.map((a) => a.extension), why: `ring-all: ${pool.map((a) => a.extension).join(', ')} ring at once` };
    case 'round-robin': {
      const order = q.agents.map((a) => a.extension);
      const after = q.lastOffered ? order.indexOf(q.lastOffered) : -1;
      const inPool = new Set(pool.map((a) => a.extension));
      for (let k = 1; k <= order.length; k++) {
        const ext = order[(after + k) % order.length]!;
        if (inPool.has(ext)) return { agents: [ext], why: `round-robin: ${ext} is next${q.lastOffered ? ` after ${q.lastOffered}` : ''}` };
      }
      return { agents: [pool[0]!.extension], why: 'round-robin' };
    }
    case 'skill': {
      if (c.skill) {
        const level = (a: QueueAgent) => a.skills[c.skill!] ?? 0;
        const top = Math.max(...pool.map(level));
        if (top > 0) {
          const a = longestIdle(pool.filter((x) => level(x) === top));
          return { agents: [a.extension], why: `skill ${c.skill} level ${top}, idle ${secondsIdle(now, idle(a.extension))}` };
        }
      }
      const a = longestIdle(pool);
      return { agents: [a.extension], why: `longest idle (${secondsIdle(now, idle(a.extension))})` };
    }
    case 'longest-idle': {
      const a = longestIdle(pool);
      return { agents: [a.extension], why: `longest idle (${secondsIdle(now, idle(a.extension))})` };
    }
  }
}
