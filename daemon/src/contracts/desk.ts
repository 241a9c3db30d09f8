// The dispatch desk on the wire: the queues with their waiting calls (each
// with its place and the reasons for it) and the agents with their states
// (GET /api/desk), and the agents' own actions (log in, log out, pause with a
// reason, resume).
import { z } from 'zod';
import { isoTime } from './patterns.js';
import { AGENT_STATES, QUEUE_STRATEGIES } from './values.js';

export const agentView = z.object({
  extension: z.string(),
  /** The account that works at this phone (configuration), null: none named. */
  user: z.string().nullable(),
  state: z.enum(AGENT_STATES),
  /** Why paused. */
  reason: z.string().nullable(),
  /** Since when the agent is logged in, out or paused. */
  since: isoTime.nullable(),
  /** Wrap-up: no call before this. */
  wrapUpUntil: isoTime.nullable(),
  /** A call rings at the agent's phone now (an offer) or the agent talks: its caller's channel. */
  call: z.string().nullable(),
  /** The queues the agent serves. */
  queues: z.array(z.string()),
});
export type AgentView = z.infer<typeof agentView>;

export const waitingCallView = z.object({
  uuid: z.string(),
  queue: z.string(),
  caller: z.string().nullable(),
  zone: z.string().nullable(),
  urgency: z.enum(['emergency', 'normal']),
  vip: z.boolean(),
  skill: z.string().nullable(),
  arrivedAt: isoTime,
  /** 1 = served next in its queue. */
  position: z.number().int(),
  /** Why it stands there: "emergency: ahead of all", "VIP", "zone tunnel-a: agent 1001 covers it", "waiting 42 s". */
  reasons: z.array(z.string()),
  /** Phones ringing with it now. */
  offeredTo: z.array(z.string()),
  /** Why no phone rings for it yet (no free agent, waiting for a skill), null while one does. */
  waitingFor: z.string().nullable(),
});
export type WaitingCallView = z.infer<typeof waitingCallView>;

export const queueView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  strategy: z.enum(QUEUE_STRATEGIES),
  agents: z.array(z.string()),
  waiting: z.array(waitingCallView),
});
export type QueueView = z.infer<typeof queueView>;

export const deskView = z.object({ queues: z.array(queueView), agents: z.array(agentView) });
export type DeskView = z.infer<typeof deskView>;

/**
 * The `desk` event (SSE): one queue as GET /api/desk shows it, with the
 * agents serving it, sent when its waiting calls or one of its agents
 * changed — at most one per queue every DESK_EVENT_MS (a burst of callers is
 * one event, not one per caller). Wait times tick on the page, from arrivedAt.
 */
export const deskEvent = z.object({ queue: queueView, agents: z.array(agentView), at: isoTime });
export type DeskEvent = z.infer<typeof deskEvent>;

/** POST /api/desk/agents/:extension/pause. */
export const agentPauseBody = z.strictObject({
  reason: z.string().trim().min(1, 'say why the agent pauses (a break, a site visit …)').max(120).regex(/^[^\p{Cc}]*$/u, 'a reason is one line of text'),
});
export type AgentPauseBody = z.infer<typeof agentPauseBody>;
