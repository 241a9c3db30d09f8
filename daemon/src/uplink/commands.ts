// Commands from central (topic cmd/{name}) and their results (cmd-result/{id}).
//
// A message crosses a trust boundary and may come in a flood. In order:
//   1. bounds (command-intake.ts): over 64 KB, or over the rate, it is dropped
//      unread — counted, and summarised in the audit log once a minute;
//   2. verification (command-auth.ts): central's signature, this appliance,
//      this command, its time window. A refusal is audited (summarised under
//      a flood) and logged; it is answered on cmd-result/{id} only when the
//      signature was central's — nobody else gets answers;
//   3. a slot (at most 16 commands at once, 4 kept for ack/clear/hangup);
//   4. idempotency by id, durable for the replay window: an id already
//      processed with the same command and payload is answered with the
//      stored result (at most once a minute), never run again; with another
//      command or payload it is refused as a conflict; a nonce is used once;
//   5. the handler, after its zod schema; its result stored with the id and
//      put in the outbox in one transaction, and audited as user `central`.
// Whatever comes in, the outcome is a value and never an exception.
import type { z } from 'zod';
import type { AuditOutcome } from '../contracts/accounts.js';
import { COMMAND_NAME_RE, type CommandHandler, type CommandResult, type RegisterCommand } from '../contracts/commands.js';
import { describeFieldErrors, fieldErrors, type FieldError } from '../contracts/errors.js';
import type { CommandResultMessage } from '../contracts/mqtt.js';
import type { Logger } from '../log/logger.js';
import { AuditSummary } from '../store/audit-summary.js';
import { HORIZON_KEY } from '../store/commands-repo.js';
import type { Store } from '../store/store.js';
import { fingerprint, verifyCommand, type CentralKey, type Refusal, type Refused, type Verified } from './command-auth.js';
import { InFlight, TokenBucket } from './command-intake.js';

export type { CommandHandler, CommandResult } from '../contracts/commands.js';

export const MAX_COMMAND_BYTES = 64 * 1024;
/** A stored result is sent again for a repeated id at most this often. */
const REPEAT_ANSWER_MS = 60_000;
const REMEMBER_ANSWERS = 1000;

interface Entry {
  schema: z.ZodType;
  handler: CommandHandler<unknown>;
  maxBytes: number;
}

export class CommandRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Register a command; returns a function that removes it (for the owner's stop()). */
  readonly register: RegisterCommand = (name, schema, handler, opts) => {
    if (!COMMAND_NAME_RE.test(name)) throw new Error(`bad command name ${JSON.stringify(name)}: a-z, 0-9 and '-', starting with a letter`);
    if (this.entries.has(name)) throw new Error(`command ${name} is already registered`);
    const entry: Entry = { schema, handler: handler as CommandHandler<unknown>, maxBytes: opts?.maxBytes ?? MAX_COMMAND_BYTES };
    this.entries.set(name, entry);
    return () => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    };
  };

  get(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}

export interface ProcessorOptions {
  site: string;
  node: string;
  /** Central's public keys; without any, every command is refused (unsigned or not). */
  keys: CentralKey[];
  maxSkewMs?: number;
  windowMs?: number;
  /** Messages looked at per second (bursts of twice this). */
  perSecond?: number;
  /** A handler that has not answered after this long gets `{ok:false, error:'timeout'}`. */
  timeoutMs?: number;
  /** Called after a result was committed to the outbox (publish it now). */
  notify?: () => void;
  /** The audit summary's interval. */
  auditIntervalMs?: number;
}

/** What the command intake has seen, for get-status and tests. */
export interface CommandStats {
  run: number;
  repeated: number;
  refused: Partial<Record<Refusal | 'replay' | 'conflict', number>>;
  inFlight: number;
  peakInFlight: number;
}

/** A name from a topic, safe to put in a log line or an audit row. */
function shownName(name: string): string {
  return COMMAND_NAME_RE.test(name) ? name : JSON.stringify(name.slice(0, 40));
}

export class CommandProcessor {
  /** Ids being processed now: a duplicate waits for the first run instead of running again. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly keys: ReadonlyMap<string, CentralKey['key']>;
  private readonly bucket: TokenBucket;
  private readonly slots = new InFlight();
  private readonly summary: AuditSummary;
  /** Answers sent without running (repeats, refusals), by id and answer, with when: each at most once per REPEAT_ANSWER_MS. */
  private readonly answered = new Map<string, number>();
  private horizonMs = 0;
  /** The refusal of a message over the rate: one object for the whole flood. */
  private readonly overRate: Refused;
  private stored = 0;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly windowMs: number;
  readonly stats: Omit<CommandStats, 'inFlight' | 'peakInFlight'> = { run: 0, repeated: 0, refused: {} };

  constructor(
    private readonly registry: CommandRegistry,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly o: ProcessorOptions,
  ) {
    this.keys = new Map(o.keys.map((k) => [k.id, k.key]));
    const perSecond = o.perSecond ?? 20;
    this.bucket = new TokenBucket(perSecond, perSecond * 2);
    this.windowMs = o.windowMs ?? 7 * 86_400_000;
    this.overRate = { ok: false, reason: 'rate', detail: `over ${perSecond} commands a second: dropped unread` };
    this.summary = new AuditSummary((e) => store.audit.insert(e), log, { intervalMs: o.auditIntervalMs });
  }

  snapshot(): CommandStats {
    return { ...this.stats, refused: { ...this.stats.refused }, inFlight: this.slots.count, peakInFlight: this.slots.peak };
  }

  async start(): Promise<void> {
    if (!this.keys.size) this.log.warn('no key of central is configured (central.keys): every command from central will be refused');
    this.horizonMs = (await this.store.settings.get<number>(HORIZON_KEY)) ?? 0;
    // Pruning writes: on a full disk it waits for the next hour, the daemon starts anyway.
    await this.prune().catch((err: unknown) => this.log.error({ err }, 'cannot prune processed command ids now'));
    this.pruneTimer = setInterval(() => void this.prune().catch((err: unknown) => this.log.error({ err }, 'cannot prune processed command ids')), 3_600_000);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.summary.stop();
  }

  /**
   * One message from cmd/{name}. The checks up to verification run now,
   * synchronously (a flood costs a few microseconds a message); what needs
   * the database is the returned promise, which never rejects.
   */
  handle(name: string, payload: Buffer): Promise<void> | undefined {
    // The limit of the command the topic names (checked before parsing; an unknown name gets the default).
    const limit = (COMMAND_NAME_RE.test(name) ? this.registry.get(name)?.maxBytes : undefined) ?? MAX_COMMAND_BYTES;
    if (payload.length > limit) return void this.refused({ ok: false, reason: 'too-large', detail: `payload of ${payload.length} bytes refused (limit ${limit})` }, name);
    if (!this.bucket.take()) return void this.refused(this.overRate, name);
    const now = Date.now();
    const v = verifyCommand(name, payload, {
      site: this.o.site, node: this.o.node, keys: this.keys, maxSkewMs: this.o.maxSkewMs ?? 300_000, windowMs: this.windowMs,
      horizonMs: Math.max(this.horizonMs, now - this.windowMs), now,
    });
    if (!v.ok) {
      this.refused(v, name);
      // Central's own command, refused (expired, malformed): central is told, once per id.
      return v.authentic ? this.guard(() => this.answerOnce({ id: v.authentic!.id, name: v.authentic!.name, ok: false, error: `${v.reason}: ${v.detail}` })) : undefined;
    }
    if (!this.slots.enter(v.cmd.name)) {
      this.refused({ ok: false, reason: 'busy', detail: `${this.slots.count} commands running`, authentic: { id: v.cmd.id, name: v.cmd.name } }, name);
      // Not stored: central may send the same id again.
      return this.guard(() => this.answerOnce({ id: v.cmd.id, name: v.cmd.name, ok: false, error: 'busy: too many commands at once; send it again shortly' }));
    }
    return this.guard(() => this.process(v)).finally(() => this.slots.leave());
  }

  private guard(fn: () => Promise<void>): Promise<void> {
    return fn().catch((err: unknown) => {
      // A store failure, most likely: nothing is recorded, central will retry the id.
      this.log.error({ err }, 'command processing failed');
    });
  }

  /** Counted, audited (summarised under a flood), logged when audited on its own. */
  private refused(r: Refused | { ok: false; reason: 'replay' | 'conflict'; detail: string; authentic: { id: string; name: string } }, topicName: string): void {
    this.stats.refused[r.reason] = (this.stats.refused[r.reason] ?? 0) + 1;
    const detail = () => `${r.reason}: ${r.detail}`.slice(0, 500);
    const shown = r.authentic
      ? this.summary.note(r.reason, () => ({ username: 'central', role: null, ip: null, action: `cmd.${r.authentic!.name}`, target: r.authentic!.id, outcome: 'denied', detail: detail() }))
      : this.summary.note(r.reason, () => ({ username: null, role: null, ip: null, action: 'cmd.refused', target: shownName(topicName), outcome: 'denied', detail: detail() }));
    if (shown) this.log.warn({ command: shownName(topicName), reason: r.reason, id: r.authentic?.id }, `command refused (${r.reason}): ${r.detail}`);
  }

  private async process(v: Verified): Promise<void> {
    const id = v.cmd.id;
    // Registered before the first await, so a duplicate arriving meanwhile waits for this run,
    // then is answered as a repeat.
    const inProgress = this.running.get(id);
    if (inProgress) {
      await inProgress;
      return this.lookupOrRun(v);
    }
    const job = this.lookupOrRun(v);
    this.running.set(id, job);
    try {
      await job;
    } finally {
      this.running.delete(id);
    }
  }

  private async lookupOrRun(v: Verified): Promise<void> {
    const { cmd, keyId } = v;
    const fp = fingerprint(cmd.name, cmd.data);
    const earlier = await this.store.commands.get(cmd.id);
    if (earlier && earlier.fingerprint !== null && earlier.fingerprint !== fp) {
      const error = `conflict: id ${cmd.id} was used for another command (${earlier.name}, ${earlier.receivedAt}); use a new id`;
      this.refused({ ok: false, reason: 'conflict', detail: error, authentic: { id: cmd.id, name: cmd.name } }, cmd.name);
      return this.answerOnce({ id: cmd.id, name: cmd.name, ok: false, error });
    }
    if (earlier) {
      // A repeat (central retrying, a QoS 1 redelivery, or a replay): not run again.
      this.stats.repeated++;
      void this.summary.note('repeat', { username: 'central', role: null, ip: null, action: `cmd.${cmd.name}`, target: cmd.id, outcome: 'denied', detail: `repeat of an id processed at ${earlier.receivedAt}: not run again, the stored result sent` });
      return this.answerOnce(JSON.parse(earlier.result) as CommandResultMessage);
    }
    const usedBy = await this.store.commands.idOfNonce(keyId, cmd.nonce);
    if (usedBy) {
      const error = `replay: nonce already used by command ${usedBy}`;
      this.refused({ ok: false, reason: 'replay', detail: error, authentic: { id: cmd.id, name: cmd.name } }, cmd.name);
      return this.answerOnce({ id: cmd.id, name: cmd.name, ok: false, error });
    }
    await this.run(v, fp);
  }

  private async run(v: Verified, fp: string): Promise<void> {
    const { cmd, keyId } = v;
    const { id, name } = cmd;
    const action = `cmd.${name}`;
    const entry = this.registry.get(name);
    if (!entry) {
      this.log.warn({ id, command: name }, 'unknown command');
      // Not remembered: once the command is registered (a later release), the same id may be retried.
      await this.store.tx(async (q) => {
        await q.outbox.enqueue('cmd-result', { id, name, ok: false, error: 'unknown command' }, `cmd:${id}`);
        await q.audit.insert({ username: 'central', role: null, ip: null, action, target: id, outcome: 'denied', detail: `unknown command (key ${keyId})` });
      });
      this.o.notify?.();
      return;
    }
    const parsed = entry.schema.safeParse(cmd.data);
    let outcome: CommandResult;
    let errors: FieldError[] | undefined;
    let audit: AuditOutcome;
    if (!parsed.success) {
      errors = fieldErrors(parsed.error);
      outcome = { ok: false, error: `invalid: ${describeFieldErrors(errors)}` };
      audit = 'denied';
    } else {
      outcome = await this.invoke(entry, parsed.data, id, name);
      audit = outcome.ok ? 'ok' : 'failed';
      if (!outcome.ok) errors = outcome.errors;
    }
    this.stats.run++;
    const msg: CommandResultMessage = outcome.ok
      ? { id, name, ok: true, ...(outcome.value === undefined ? {} : { result: outcome.value }) }
      : { id, name, ok: false, error: outcome.error, ...(errors ? { errors } : {}), ...(outcome.value === undefined ? {} : { result: outcome.value }) };
    await this.store.tx(async (q) => {
      await q.commands.put({ id, name, result: JSON.stringify(msg), fingerprint: fp, keyId, nonce: cmd.nonce, signedAt: cmd.ts });
      await q.outbox.enqueue('cmd-result', msg, `cmd:${id}`);
      await q.audit.insert({ username: 'central', role: null, ip: null, action, target: id, outcome: audit, detail: `${outcome.ok ? '' : `${outcome.error.slice(0, 400)}; `}key ${keyId}` });
    });
    this.o.notify?.();
    (outcome.ok ? this.log.info.bind(this.log) : this.log.warn.bind(this.log))({ id, command: name, ok: outcome.ok, error: outcome.ok ? undefined : outcome.error }, 'command processed');
    if (++this.stored % 100 === 0) await this.prune();
  }

  private async invoke(entry: Entry, data: unknown, id: string, name: string): Promise<CommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.o.timeoutMs ?? 150_000;
    try {
      return await Promise.race([
        Promise.resolve()
          .then(() => entry.handler(data, { id, name }))
          .then(
            (r): CommandResult => r,
            (err: unknown): CommandResult => {
              this.log.error({ err, command: name, cmdId: id }, 'command handler threw');
              return { ok: false, error: 'internal error' };
            },
          ),
        new Promise<CommandResult>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, error: `timeout: no outcome after ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Publish a result that is not stored (a repeat's stored one, or a refusal):
   * the same answer for the same id at most once a minute, so replaying one
   * message cannot fill the outbox.
   */
  private async answerOnce(msg: CommandResultMessage): Promise<void> {
    const now = Date.now();
    const key = `${msg.id}\n${msg.ok ? 'ok' : (msg.error ?? '')}`;
    const last = this.answered.get(key);
    if (last !== undefined && now - last < REPEAT_ANSWER_MS) return;
    this.answered.delete(key);
    this.answered.set(key, now);
    if (this.answered.size > REMEMBER_ANSWERS) this.answered.delete(this.answered.keys().next().value!);
    await this.store.tx((q) => q.outbox.enqueue('cmd-result', msg, `cmd:${msg.id}`));
    this.o.notify?.();
  }

  /** Forget ids past the window (or past the row cap, moving the horizon up with them). */
  async prune(): Promise<void> {
    const { pruned, horizonMs } = await this.store.commands.prune(this.windowMs);
    if (horizonMs !== undefined && horizonMs > this.horizonMs) {
      this.horizonMs = horizonMs;
      await this.store.settings.set(HORIZON_KEY, horizonMs, 'uplink');
    }
    if (pruned) this.log.debug({ pruned }, 'pruned processed command ids');
  }
}
