// Commands from central (topic cmd/{name}) and their results (cmd-result/{id}).
//
// A payload crosses a trust boundary: it is size-capped before it is parsed,
// must be a JSON object with a well-formed string `id`, and is validated
// against the command's zod schema before a handler sees it. Whatever comes
// in, the outcome is a value — a result for central, or a logged refusal when
// there is no id to address a result to — and never an exception.
//
// Idempotent by id: the result of a processed id is stored (uplink_commands)
// and sent again, without running the handler, when the id comes back (central
// retrying, QoS 1 redelivery after a reconnect). Every command is audited as
// user `central`, action `cmd.<name>`. Results go out through the outbox, in
// the transaction that stores them: enveloped and numbered like every other
// message, and delivered even when the connection drops meanwhile.
import type { z } from 'zod';
import type { AuditOutcome } from '../contracts/accounts.js';
import type { CommandHandler, CommandResult, RegisterCommand } from '../contracts/commands.js';
import { describeFieldErrors, fieldErrors, type FieldError } from '../contracts/errors.js';
import type { CommandResultMessage } from '../contracts/mqtt.js';
import type { Logger } from '../log/logger.js';
import type { Repos, Store } from '../store/store.js';

export type { CommandHandler, CommandResult } from '../contracts/commands.js';

export const MAX_COMMAND_BYTES = 64 * 1024;
const ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;
const NAME_RE = /^[a-z][a-z0-9-]{0,63}$/;

interface Entry {
  schema: z.ZodType;
  handler: CommandHandler<unknown>;
  maxBytes: number;
}

export class CommandRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Register a command; returns a function that removes it (for the owner's stop()). */
  readonly register: RegisterCommand = (name, schema, handler, opts) => {
    if (!NAME_RE.test(name)) throw new Error(`bad command name ${JSON.stringify(name)}: a-z, 0-9 and '-', starting with a letter`);
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
  /** A handler that has not answered after this long gets `{ok:false, error:'timeout'}`. */
  timeoutMs?: number;
  /** Called after a result was committed to the outbox (publish it now). */
  notify?: () => void;
}

/** A name from a topic, safe to put in a log line or an audit action. */
function shownName(name: string): string {
  return NAME_RE.test(name) ? name : JSON.stringify(name.slice(0, 40));
}

export class CommandProcessor {
  /** Ids being processed now: a duplicate waits for the first run instead of running again. */
  private readonly running = new Map<string, Promise<void>>();
  private stored = 0;

  constructor(
    private readonly registry: CommandRegistry,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly o: ProcessorOptions = {},
  ) {}

  /** Handle one message from cmd/{name}: its result is in the outbox when this resolves (unless refused without an id). Never rejects. */
  async handle(name: string, payload: Buffer): Promise<void> {
    try {
      await this.process(name, payload);
    } catch (err) {
      // A store failure, most likely: nothing is recorded, central will retry the id.
      this.log.error({ err, command: shownName(name) }, 'command processing failed');
    }
  }

  private async process(name: string, payload: Buffer): Promise<void> {
    const action = `cmd.${NAME_RE.test(name) ? name : 'invalid-name'}`;
    // The limit of the command named by the topic (checked before parsing; an unknown name gets the default).
    const limit = (NAME_RE.test(name) ? this.registry.get(name)?.maxBytes : undefined) ?? MAX_COMMAND_BYTES;
    if (payload.length > limit) {
      this.log.warn({ command: shownName(name), bytes: payload.length }, `command refused: payload over ${limit} bytes`);
      await this.audit(action, null, 'denied', `payload of ${payload.length} bytes refused (limit ${limit})`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn({ command: shownName(name), bytes: payload.length }, 'command refused: payload is not JSON');
      await this.audit(action, null, 'denied', 'payload is not JSON');
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.log.warn({ command: shownName(name) }, 'command refused: payload is not a JSON object');
      await this.audit(action, null, 'denied', 'payload is not a JSON object');
      return;
    }
    const { id, ...data } = body as Record<string, unknown>;
    if (typeof id !== 'string' || !ID_RE.test(id)) {
      // Without a usable id there is no topic to answer on (an id with '/', '+' or '#' would even address other topics).
      this.log.warn({ command: shownName(name), id: typeof id === 'string' ? id.slice(0, 40) : typeof id }, 'command refused: no valid id (1–100 of A-Z a-z 0-9 . _ : -)');
      await this.audit(action, null, 'denied', 'no valid id');
      return;
    }

    // Registered before the first await, so a duplicate arriving meanwhile waits for this run,
    // then gets the stored result like any repeat (central asked twice: it is answered twice).
    const inProgress = this.running.get(id);
    if (inProgress) {
      await inProgress;
      return this.lookupOrRun(name, action, id, data);
    }
    const job = this.lookupOrRun(name, action, id, data);
    this.running.set(id, job);
    try {
      await job;
    } finally {
      this.running.delete(id);
    }
  }

  private async lookupOrRun(name: string, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    const earlier = await this.store.commands.get(id);
    if (earlier) {
      this.log.info({ id, command: shownName(name) }, 'repeated command id: sending the stored result again');
      await this.store.tx((q) => q.outbox.enqueue('cmd-result', JSON.parse(earlier.result) as CommandResultMessage, `cmd:${id}`));
      this.o.notify?.();
      return;
    }
    await this.run(name, action, id, data);
  }

  private async run(name: string, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    const entry = NAME_RE.test(name) ? this.registry.get(name) : undefined;
    if (!entry) {
      this.log.warn({ id, command: shownName(name) }, 'unknown command');
      // Not remembered: once the command is registered (a later release), the same id may be retried.
      await this.store.tx(async (q) => {
        await q.outbox.enqueue('cmd-result', { id, name: shownName(name), ok: false, error: 'unknown command' }, `cmd:${id}`);
        await this.audit(action, id, 'denied', 'unknown command', q);
      });
      this.o.notify?.();
      return;
    }
    const parsed = entry.schema.safeParse(data);
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
    const msg: CommandResultMessage = outcome.ok
      ? { id, name, ok: true, ...(outcome.value === undefined ? {} : { result: outcome.value }) }
      : { id, name, ok: false, error: outcome.error, ...(errors ? { errors } : {}), ...(outcome.value === undefined ? {} : { result: outcome.value }) };
    await this.store.tx(async (q) => {
      await q.commands.put(id, name, JSON.stringify(msg));
      await q.outbox.enqueue('cmd-result', msg, `cmd:${id}`);
      await this.audit(action, id, audit, outcome.ok ? null : outcome.error.slice(0, 500), q);
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

  async prune(): Promise<void> {
    const n = await this.store.commands.prune();
    if (n) this.log.debug({ pruned: n }, 'pruned processed command ids');
  }

  private async audit(action: string, target: string | null, outcome: AuditOutcome, detail: string | null, q?: Repos): Promise<void> {
    await (q ?? this.store).audit.insert({ username: 'central', role: null, ip: null, action, target, outcome, detail });
  }
}
