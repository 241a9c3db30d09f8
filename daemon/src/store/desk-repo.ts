// The dispatch desk's rows (tables desk_agents, queue_calls; migration 17):
// the agents' chosen states and after-call times, and the calls that entered
// a queue — the waiting ones are what a restart serves again.

import type { Queryable } from './db.js';

export type StoredAgentState = 'logged-out' | 'available' | 'paused';

export interface AgentRow {
  extension: string;
  state: StoredAgentState;
  reason: string | null;
  since: string;
  idleSince: string | null;
  wrapUpUntil: string | null;
  updatedBy: string | null;
}

export interface OfferLeg {
  leg: string;
  extension: string;
}

export type QueueCallState = 'waiting' | 'answered' | 'overflowed' | 'abandoned';

export interface QueueCallRow {
  uuid: string;
  queue: string;
  firstQueue: string;
  caller: string | null;
  zone: string | null;
  urgency: 'emergency' | 'normal';
  vip: boolean;
  skill: string | null;
  arrivedAt: string;
  state: QueueCallState;
  agent: string | null;
  passedOver: string[];
  /** Phones ringing with this call now (an offer). */
  offerLegs: OfferLeg[];
  overflows: number;
  answeredAt: string | null;
  endedAt: string | null;
}

interface AgentDbRow {
  extension: string;
  state: StoredAgentState;
  reason: string | null;
  since: string;
  idle_since: string | null;
  wrap_up_until: string | null;
  updated_by: string | null;
}

interface CallDbRow {
  uuid: string;
  queue: string;
  first_queue: string;
  caller: string | null;
  zone: string | null;
  urgency: 'emergency' | 'normal';
  vip: number;
  skill: string | null;
  arrived_at: string;
  state: QueueCallState;
  agent: string | null;
  passed_over: string;
  offer_legs: string | null;
  overflows: number;
  answered_at: string | null;
  ended_at: string | null;
}

const agentOf = (r: AgentDbRow): AgentRow => ({ extension: r.extension, state: r.state, reason: r.reason, since: r.since, idleSince: r.idle_since, wrapUpUntil: r.wrap_up_until, updatedBy: r.updated_by });

function jsonList(text: string | null): unknown[] {
  try {
    const v: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
const passedOver = (text: string) => jsonList(text).filter((x): x is string => typeof x === 'string');
const offerLegs = (text: string | null) => jsonList(text).filter((x): x is OfferLeg => typeof (x as OfferLeg | null)?.leg === 'string' && typeof (x as OfferLeg).extension === 'string');

const callOf = (r: CallDbRow): QueueCallRow => ({
  uuid: r.uuid, queue: r.queue, firstQueue: r.first_queue, caller: r.caller, zone: r.zone, urgency: r.urgency, vip: r.vip === 1, skill: r.skill,
  arrivedAt: r.arrived_at, state: r.state, agent: r.agent, passedOver: passedOver(r.passed_over), offerLegs: offerLegs(r.offer_legs), overflows: r.overflows, answeredAt: r.answered_at, endedAt: r.ended_at,
});

export class DeskRepo {
  constructor(private readonly db: Queryable) {}

  async agents(): Promise<AgentRow[]> {
    return (await this.db.all<AgentDbRow>('SELECT * FROM desk_agents ORDER BY extension')).map(agentOf);
  }

  /** The agent's chosen state (login, logout, pause, resume). */
  async setAgentState(extension: string, state: StoredAgentState, reason: string | null, at: string, by: string | null): Promise<void> {
    await this.db.run(
      `INSERT INTO desk_agents(extension, state, reason, since, updated_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(extension) DO UPDATE SET state = excluded.state, reason = excluded.reason, since = excluded.since, updated_by = excluded.updated_by`,
      [extension, state, reason, at, by],
    );
  }

  /** A call of the agent ended: free since `at`, no call before `wrapUpUntil`. */
  async callEnded(extension: string, at: string, wrapUpUntil: string | null): Promise<void> {
    await this.db.run(
      `INSERT INTO desk_agents(extension, state, since, idle_since, wrap_up_until) VALUES (?, 'logged-out', ?, ?, ?)
       ON CONFLICT(extension) DO UPDATE SET idle_since = excluded.idle_since, wrap_up_until = excluded.wrap_up_until`,
      [extension, at, at, wrapUpUntil],
    );
  }

  async enqueue(c: Omit<QueueCallRow, 'state' | 'agent' | 'passedOver' | 'offerLegs' | 'overflows' | 'answeredAt' | 'endedAt' | 'firstQueue'>): Promise<void> {
    // A call parked again under the same uuid (a restart raced its park event) keeps its first row.
    await this.db.run(
      `INSERT INTO queue_calls(uuid, queue, first_queue, caller, zone, urgency, vip, skill, arrived_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')
       ON CONFLICT(uuid) DO NOTHING`,
      [c.uuid, c.queue, c.queue, c.caller, c.zone, c.urgency, c.vip ? 1 : 0, c.skill, c.arrivedAt],
    );
  }

  async waiting(): Promise<QueueCallRow[]> {
    return (await this.db.all<CallDbRow>("SELECT * FROM queue_calls WHERE state = 'waiting' ORDER BY arrived_at, uuid")).map(callOf);
  }

  /** Answered and not ended: agents on queue calls (a restart finds them busy, or their call over). */
  async talking(): Promise<QueueCallRow[]> {
    return (await this.db.all<CallDbRow>("SELECT * FROM queue_calls WHERE state = 'answered' AND ended_at IS NULL")).map(callOf);
  }

  async get(uuid: string): Promise<QueueCallRow | undefined> {
    const r = await this.db.get<CallDbRow>('SELECT * FROM queue_calls WHERE uuid = ?', [uuid]);
    return r ? callOf(r) : undefined;
  }

  async passOver(uuid: string, extensions: string[]): Promise<void> {
    await this.db.run('UPDATE queue_calls SET passed_over = ? WHERE uuid = ?', [JSON.stringify(extensions), uuid]);
  }

  /** The phones now ringing with the call (empty: none). */
  async offering(uuid: string, legs: OfferLeg[]): Promise<void> {
    await this.db.run('UPDATE queue_calls SET offer_legs = ? WHERE uuid = ?', [legs.length ? JSON.stringify(legs) : null, uuid]);
  }

  async answered(uuid: string, agent: string, at: string, state: 'answered' | 'overflowed' = 'answered'): Promise<void> {
    await this.db.run('UPDATE queue_calls SET state = ?, agent = ?, answered_at = ?, offer_legs = NULL WHERE uuid = ?', [state, agent, at, uuid]);
  }

  /** Overflow into another queue: it waits there with its arrival time. */
  async moved(uuid: string, queue: string): Promise<void> {
    await this.db.run("UPDATE queue_calls SET queue = ?, overflows = overflows + 1, passed_over = '[]' WHERE uuid = ?", [queue, uuid]);
  }

  async overflowTried(uuid: string): Promise<void> {
    await this.db.run('UPDATE queue_calls SET overflows = overflows + 1 WHERE uuid = ?', [uuid]);
  }

  /** The caller hung up while waiting (abandoned), or the answered call ended. */
  async ended(uuid: string, at: string, abandoned: boolean): Promise<void> {
    if (abandoned) await this.db.run("UPDATE queue_calls SET state = 'abandoned', ended_at = ?, offer_legs = NULL WHERE uuid = ? AND state = 'waiting'", [at, uuid]);
    else await this.db.run('UPDATE queue_calls SET ended_at = ? WHERE uuid = ? AND ended_at IS NULL', [at, uuid]);
  }
}
