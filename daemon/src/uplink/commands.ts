// Commands from central (topic cmd/{name}) and their results (cmd-result/{id}).
//
// A payload crosses a trust boundary: it is size-capped before it is parsed,
// must be a JSON object with a well-formed string `id`, and is validated
// against the command's zod schema before a handler sees it. Whatever comes
// in, the outcome is a value — a result to publish, or a logged refusal when
// there is no id to address a result to — and never an exception.
//
// Idempotent by id: the result of a processed id is stored (uplink_commands)
// and sent again, without running the handler, when the id comes back (central
// retrying, QoS 1 redelivery after a reconnect). Every command is audited as
// user `central`, action `cmd.<name>`.
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { AuditOutcome } from '../store/audit-repo.js';
import type { Store } from '../store/store.js';

export const MAX_COMMAND_BYTES = 64 * 1024;
const ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;
const NAME_RE = /^[a-z][a-z0-9-]{0,63}$/;

export type CommandResult = { ok: true; value?: unknown } | { ok: false; error: string };

export interface CommandContext {
  id: string;
  name: string;
  log: Logger;
}

export type CommandHandler<T> = (data: T, ctx: CommandContext) => Promise<CommandResult>;

/** What is published on cmd-result/{id}. */
export interface ResultMessage {
  id: string;
  ok: boolean;
  error?: string;
  result?: unknown;
  ts: string;
}

interface Entry {
  schema: z.ZodType;
  handler: CommandHandler<unknown>;
}

export class CommandRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Register a command; returns a function that removes it (for the owner's stop()). */
  register<S extends z.ZodType>(name: string, schema: S, handler: CommandHandler<z.output<S>>): () => void {
    if (!NAME_RE.test(name)) throw new Error(`bad command name ${JSON.stringify(name)}: a-z, 0-9 and '-', starting with a letter`);
    if (this.entries.has(name)) throw new Error(`command ${name} is already registered`);
    const entry: Entry = { schema, handler: handler as CommandHandler<unknown> };
    this.entries.set(name, entry);
    return () => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    };
  }

  get(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}

/** A publication to make: the result topic's id and the JSON text. */
export interface Reply {
  id: string;
  payload: string;
}

export interface ProcessorOptions {
  /** A handler that has not answered after this long gets `{ok:false, error:'timeout'}`. */
  timeoutMs?: number;
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

/** A name from a topic, safe to put in a log line or an audit action. */
function shownName(name: string): string {
  return NAME_RE.test(name) ? name : JSON.stringify(name.slice(0, 40));
}

export class CommandProcessor {
  /** Ids being processed now: a duplicate waits for the first run's result instead of running again. */
  private readonly running = new Map<string, Promise<string>>();
  private stored = 0;

  constructor(
    private readonly registry: CommandRegistry,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly o: ProcessorOptions = {},
  ) {}

  /** Handle one message from cmd/{name}. Resolves to the reply to publish, or undefined (refused without an id). Never rejects. */
  async handle(name: string, payload: Buffer): Promise<Reply | undefined> {
    try {
      return await this.process(name, payload);
    } catch (err) {
      // A store failure, most likely: nothing is recorded, central will retry the id.
      this.log.error({ err, command: shownName(name) }, 'command processing failed');
      return undefined;
    }
  }

  private async process(name: string, payload: Buffer): Promise<Reply | undefined> {
    const action = `cmd.${NAME_RE.test(name) ? name : 'invalid-name'}`;
    if (payload.length > MAX_COMMAND_BYTES) {
      this.log.warn({ command: shownName(name), bytes: payload.length }, `command refused: payload over ${MAX_COMMAND_BYTES} bytes`);
      await this.audit(action, null, 'denied', `payload of ${payload.length} bytes refused (limit ${MAX_COMMAND_BYTES})`);
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn({ command: shownName(name), bytes: payload.length }, 'command refused: payload is not JSON');
      await this.audit(action, null, 'denied', 'payload is not JSON');
      return undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.log.warn({ command: shownName(name) }, 'command refused: payload is not a JSON object');
      await this.audit(action, null, 'denied', 'payload is not a JSON object');
      return undefined;
    }
    const { id, ...data } = body as Record<string, unknown>;
    if (typeof id !== 'string' || !ID_RE.test(id)) {
      // Without a usable id there is no topic to answer on (an id with '/', '+' or '#' would even address other topics).
      this.log.warn({ command: shownName(name), id: typeof id === 'string' ? id.slice(0, 40) : typeof id }, 'command refused: no valid id (1–100 of A-Z a-z 0-9 . _ : -)');
      await this.audit(action, null, 'denied', 'no valid id');
      return undefined;
    }

    // Registered before the first await, so a duplicate arriving meanwhile joins this run.
    const inProgress = this.running.get(id);
    if (inProgress) return { id, payload: await inProgress };
    const job = this.lookupOrRun(name, action, id, data);
    this.running.set(id, job);
    try {
      return { id, payload: await job };
    } finally {
      this.running.delete(id);
    }
  }

  private async lookupOrRun(name: string, action: string, id: string, data: Record<string, unknown>): Promise<string> {
    const earlier = await this.store.commands.get(id);
    if (earlier) {
      this.log.info({ id, command: shownName(name) }, 'repeated command id: sending the stored result');
      return earlier.result;
    }
    return JSON.stringify(await this.run(name, action, id, data));
  }

  private async run(name: string, action: string, id: string, data: Record<string, unknown>): Promise<ResultMessage> {
    const entry = NAME_RE.test(name) ? this.registry.get(name) : undefined;
    if (!entry) {
      const msg: ResultMessage = { id, ok: false, error: 'unknown command', ts: new Date().toISOString() };
      this.log.warn({ id, command: shownName(name) }, 'unknown command');
      // Not remembered: once the command is registered (a later release), the same id may be retried.
      await this.audit(action, id, 'denied', 'unknown command');
      return msg;
    }
    const parsed = entry.schema.safeParse(data);
    let outcome: CommandResult;
    let audit: AuditOutcome;
    if (!parsed.success) {
      outcome = { ok: false, error: `invalid: ${describeIssues(parsed.error)}` };
      audit = 'denied';
    } else {
      outcome = await this.invoke(entry, parsed.data, { id, name, log: this.log.child({ command: name, cmdId: id }) });
      audit = outcome.ok ? 'ok' : 'failed';
    }
    const msg: ResultMessage = outcome.ok
      ? { id, ok: true, ...(outcome.value === undefined ? {} : { result: outcome.value }), ts: new Date().toISOString() }
      : { id, ok: false, error: outcome.error, ts: new Date().toISOString() };
    const text = JSON.stringify(msg);
    await this.store.tx(async (q) => {
      await q.commands.put(id, name, text);
      await q.audit.insert({ username: 'central', role: null, ip: null, action, target: id, outcome: audit, detail: outcome.ok ? null : outcome.error.slice(0, 500) });
    });
    (outcome.ok ? this.log.info.bind(this.log) : this.log.warn.bind(this.log))({ id, command: name, ok: outcome.ok, error: outcome.ok ? undefined : outcome.error }, 'command processed');
    if (++this.stored % 100 === 0) await this.prune();
    return msg;
  }

  private async invoke(entry: Entry, data: unknown, ctx: CommandContext): Promise<CommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.o.timeoutMs ?? 150_000;
    try {
      return await Promise.race([
        Promise.resolve()
          .then(() => entry.handler(data, ctx))
          .then(
          (r): CommandResult => r,
          (err: unknown): CommandResult => {
            ctx.log.error({ err }, 'command handler threw');
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

  private async audit(action: string, target: string | null, outcome: AuditOutcome, detail: string): Promise<void> {
    await this.store.audit.insert({ username: 'central', role: null, ip: null, action, target, outcome, detail });
  }
}
