// The dispatch desk's keys of the configuration schema (schema.ts holds the
// whole): ACD queues and their agents. The engine that uses them is
// daemon/src/desk/ (README.md there says why it is ours and not
// mod_callcenter's).
import { z } from 'zod';
import { QUEUE_STRATEGIES } from '../contracts/values.js';
import { callerNumber, extensionNumber, ident } from '../contracts/patterns.js';
import { meta } from './meta.js';

const ringS = z.number().int().min(5).max(120).default(20).meta(meta({ title: 'Ring time (s)', description: 'How long the phones ring before the call goes back to the queue.' }));

/** A skill and its level: 1 (can) to 10 (the best at it). */
const skills = z
  .record(ident('a skill name'), z.number().int().min(1).max(10))
  .default({})
  .meta(meta({ title: 'Skills', description: 'Skill name → level, 1 (can take such calls) to 10 (the best at it), e.g. { electrical: 8, ventilation: 3 }. The skill strategy gives a call that needs a skill to the free agent with the highest level.' }));

const agent = z
  .strictObject({
    extension: extensionNumber.meta(meta({ title: 'Desk phone', description: 'The agent’s phone: offered calls ring here.', ref: 'phones' })),
    user: z
      .string()
      .regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'a user name is 1–64 letters, digits, ".", "_", "@" or "-"')
      .optional()
      .meta(meta({ title: 'User', description: 'The account that works at this phone: it may log the agent in and out and pause it itself (technicians and admins may for any agent).' })),
    skills,
    zones: z.array(ident('a zone id')).max(64).default([]).meta(meta({ title: 'Zones covered', description: 'Callers from these zones reach this agent before agents who do not cover their zone.', ref: 'zones' })),
  })
  .meta(meta({ title: 'Agent', description: 'A person at a desk phone who takes the queue’s calls.' }));

const overflow = z
  .union([
    z.strictObject({
      kind: z.literal('queue').meta(meta({ title: 'Kind', description: 'Into another queue.' })),
      queue: ident('a queue id').meta(meta({ title: 'Queue', description: 'The queue the call moves to; it keeps its arrival time there.', ref: 'queues' })),
    }).meta(meta({ title: 'Another queue', description: 'The call moves to another queue, keeping its place by arrival time.' })),
    z.strictObject({
      kind: z.literal('ring-group').meta(meta({ title: 'Kind', description: 'To several phones at once.' })),
      extensions: z.array(extensionNumber).min(1).max(16).meta(meta({ title: 'Phones', description: 'Rung all at once; the first to answer takes the call.', ref: 'phones' })),
      ringS,
    }).meta(meta({ title: 'Ring group', description: 'Several phones ring at once; if none answers the call goes back to the queue.' })),
    z.strictObject({
      kind: z.literal('extension').meta(meta({ title: 'Kind', description: 'To one phone.' })),
      extension: extensionNumber.meta(meta({ title: 'Phone', description: 'The phone rung (the shift leader, the on-call desk).', ref: 'phones' })),
      ringS,
    }).meta(meta({ title: 'Extension', description: 'One phone rings; if it does not answer the call goes back to the queue.' })),
  ])
  .meta(meta({ title: 'Overflow', description: 'Where a call goes after waiting maxWaitS. Without it the caller keeps waiting: no call is ever dropped by the queue.' }));

export const queue = z
  .strictObject({
    id: ident('a queue id').meta(meta({ title: 'Queue id', description: 'Stable id that routes (destination queue) and the API name.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What the desk calls it, e.g. “Tunnel dispatch”.' })),
    strategy: z
      .enum(QUEUE_STRATEGIES)
      .default('longest-idle')
      .meta(meta({ title: 'Strategy', description: 'Which free agent gets the next call: longest-idle (the one free longest), ring-all (every free agent rings, the first to answer takes it), round-robin (in turn, in the order listed), skill (the highest level of the skill the call needs, then longest idle).' })),
    agents: z.array(agent).min(1).max(64).meta(meta({ title: 'Agents', description: 'Who takes this queue’s calls. An agent may serve several queues; logged in, paused or out is one state per agent, across queues.' })),
    ringS: ringS.meta(meta({ title: 'Offer ring time (s)', description: 'How long an agent’s phone rings with an offered call; an agent who does not answer is passed over and the call offered to the next.' })),
    wrapUpS: z.number().int().min(0).max(600).default(10).meta(meta({ title: 'Wrap-up (s)', description: 'After a call of this queue the agent gets no call for this long (notes, the log book).' })),
    maxWaitS: z.number().int().min(10).max(3600).default(120).meta(meta({ title: 'Maximum wait (s)', description: 'A caller waiting this long goes to the overflow (and again after each further maxWaitS if the overflow did not answer).' })),
    overflow: overflow.optional(),
    vip: z.array(callerNumber).max(500).default([]).meta(meta({ title: 'VIP callers', description: 'Caller numbers ranked ahead of other callers (after emergency calls).' })),
  })
  .meta(meta({ title: 'Queue', description: 'An ACD queue of the dispatch desk: callers wait with a hold tone; the daemon offers each call to a free agent.' }));

export type QueueConfig = z.infer<typeof queue>;
export type QueueAgentConfig = QueueConfig['agents'][number];
export type QueueOverflowConfig = NonNullable<QueueConfig['overflow']>;
