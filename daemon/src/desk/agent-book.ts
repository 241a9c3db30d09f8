// The agents of the desk and their states. What an agent chooses (log in,
// log out, pause with a reason, resume) and what follows a call (wrap-up
// until, free since) are stored (desk_agents) before they take effect, so a
// restart finds every agent as it was. Busy (a call rings or is up at the
// phone) is not stored: the ACD service knows it from the calls it holds.
import type { Actor } from '../accounts/actor.js';
import { hasRole } from '../accounts/actor.js';
import type { Config } from '../config/schema.js';
import type { AgentState } from '../contracts/values.js';
import type { EventBus } from '../events/bus.js';
import type { AgentRow, StoredAgentState } from '../store/desk-repo.js';
import type { Store } from '../store/store.js';

export type AgentAction = 'login' | 'logout' | 'pause' | 'resume';

export type AgentActionResult = { ok: true; state: StoredAgentState } | { ok: false; code: 'not_found' | 'forbidden' | 'conflict'; message: string };

const TARGET: Record<AgentAction, StoredAgentState> = { login: 'available', logout: 'logged-out', pause: 'paused', resume: 'available' };

export class AgentBook {
  private rows = new Map<string, AgentRow>();

  constructor(private readonly c: { store: Store; bus: EventBus; config: () => Config }) {}

  async load(): Promise<void> {
    this.rows = new Map((await this.c.store.desk.agents()).map((r) => [r.extension, r]));
  }

  /** Every configured agent, once, with the queues it serves and the user named for it. */
  configured(): Map<string, { user: string | null; queues: string[] }> {
    const out = new Map<string, { user: string | null; queues: string[] }>();
    for (const q of this.c.config().queues) {
      for (const a of q.agents) {
        const e = out.get(a.extension) ?? { user: null, queues: [] };
        e.queues.push(q.id);
        e.user ??= a.user ?? null;
        out.set(a.extension, e);
      }
    }
    return out;
  }

  row(extension: string): AgentRow | undefined {
    return this.rows.get(extension);
  }

  /** The state the queue decision sees (busy is the caller's to say). */
  state(extension: string, now: number, busy: boolean): AgentState {
    const r = this.rows.get(extension);
    if (!r || r.state === 'logged-out') return 'logged-out';
    if (r.state === 'paused') return 'paused';
    if (busy) return 'busy';
    if (r.wrapUpUntil && Date.parse(r.wrapUpUntil) > now) return 'wrap-up';
    return 'available';
  }

  /** ms: free since (the end of the last call, else the login). */
  idleSince(extension: string): number {
    const r = this.rows.get(extension);
    const t = Date.parse(r?.idleSince ?? r?.since ?? '');
    return Number.isFinite(t) ? t : 0;
  }

  /** When the next wrap-up ends (ms), for the service's timer. */
  nextWrapUpEnd(now: number): number | undefined {
    let next: number | undefined;
    for (const r of this.rows.values()) {
      const t = r.wrapUpUntil ? Date.parse(r.wrapUpUntil) : NaN;
      if (t > now && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  private isSelf(extension: string, actor: Actor): boolean {
    const user = this.configured().get(extension)?.user ?? null;
    return user !== null && actor.username !== null && user.toLowerCase() === actor.username.toLowerCase();
  }

  /**
   * May this actor act for the agent at this extension? null: yes. Someone
   * who is neither the agent's user nor a technician learns nothing more
   * (not even whether the agent exists).
   */
  authorise(extension: string, actor: Actor): Exclude<AgentActionResult, { ok: true }> | null {
    const who = this.configured().get(extension);
    if (!hasRole(actor, 'technician') && !this.isSelf(extension, actor)) return { ok: false, code: 'forbidden', message: `only ${who?.user ? `${who.user} or ` : 'the agent’s user or '}a technician may change agent ${extension}` };
    if (!who) return { ok: false, code: 'not_found', message: `no agent at extension ${extension} (agents: ${[...this.configured().keys()].join(', ') || 'none'})` };
    return null;
  }

  /**
   * An agent's own action, or a technician's for them. An agent may act for
   * themselves (the user the configuration names at that phone); technicians
   * and admins for any agent. Stored and audited together.
   */
  async act(extension: string, action: AgentAction, actor: Actor, reason: string | null): Promise<AgentActionResult> {
    const refused = this.authorise(extension, actor);
    if (refused) return refused;
    const self = this.isSelf(extension, actor);
    const before = this.state(extension, Date.now(), false);
    if (action === 'resume' && before !== 'paused') return { ok: false, code: 'conflict', message: `agent ${extension} is not paused (${before})` };
    if (action === 'pause' && before === 'logged-out') return { ok: false, code: 'conflict', message: `agent ${extension} is logged out: log in first` };
    const state = TARGET[action];
    const at = new Date().toISOString();
    const detail = `agent ${extension} ${action === 'pause' ? `paused: ${reason}` : action === 'resume' ? 'resumed' : action === 'login' ? 'logged in' : 'logged out'}${self ? '' : ` by ${actor.username ?? 'someone'}`} (was ${before})`;
    const audit = await this.c.store.tx(async (q) => {
      await q.desk.setAgentState(extension, state, action === 'pause' ? reason : null, at, actor.username);
      return q.audit.insert({ username: actor.username, role: actor.role, ip: actor.ip, action: `desk.agent-${action}`, target: extension, outcome: 'ok', detail });
    });
    const prev = this.rows.get(extension);
    this.rows.set(extension, { extension, state, reason: action === 'pause' ? reason : null, since: at, idleSince: prev?.idleSince ?? null, wrapUpUntil: prev?.wrapUpUntil ?? null, updatedBy: actor.username });
    this.c.bus.emit('audit', audit);
    return { ok: true, state };
  }

  /**
   * A call of this agent ended: free from now, wrap-up for wrapUpS. In force
   * at once (before the write): a decision running meanwhile must not see
   * the agent free.
   */
  async callEnded(extension: string, wrapUpS: number): Promise<void> {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const until = wrapUpS > 0 ? new Date(now + wrapUpS * 1000).toISOString() : null;
    const prev = this.rows.get(extension);
    this.rows.set(extension, { extension, state: prev?.state ?? 'logged-out', reason: prev?.reason ?? null, since: prev?.since ?? at, idleSince: at, wrapUpUntil: until, updatedBy: prev?.updatedBy ?? null });
    await this.c.store.desk.callEnded(extension, at, until);
  }
}
