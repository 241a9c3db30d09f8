// Commands from central (MQTT cmd/{name}), as the services that own them see
// them: a service registers a name, the zod schema of its payload and a
// handler through this small interface; the uplink (which verifies, de-
// duplicates, audits and answers) implements it. No service imports the uplink.
import type { z } from 'zod';
import type { FieldError } from './errors.js';

/** A refusal may name fields (`errors`, as an invalid payload does) and carry what central needs to retry (`value`: a stale configuration's current version). */
export type CommandResult = { ok: true; value?: unknown } | { ok: false; error: string; errors?: FieldError[]; value?: unknown };

export interface CommandContext {
  /** The command's id, as central sent it. */
  id: string;
  name: string;
}

export type CommandHandler<T> = (data: T, ctx: CommandContext) => Promise<CommandResult>;

export interface CommandOptions {
  /** Payloads larger than this are refused before they are parsed (default MAX_COMMAND_BYTES, 64 KiB): a whole configuration file needs more. */
  maxBytes?: number;
}

/** Register a command; returns the function that removes it (for the owner's stop()). */
export type RegisterCommand = <S extends z.ZodType>(name: string, schema: S, handler: CommandHandler<z.output<S>>, opts?: CommandOptions) => () => void;
