// Commands from central (MQTT cmd/{name}), as the services that own them see
// them: a service registers a name, the zod schema of its payload and a
// handler through this small interface; the uplink (which verifies, de-
// duplicates, audits and answers) implements it. No service imports the uplink.
import type { z } from 'zod';

export type CommandResult = { ok: true; value?: unknown } | { ok: false; error: string };

export interface CommandContext {
  /** The command's id, as central sent it. */
  id: string;
  name: string;
}

export type CommandHandler<T> = (data: T, ctx: CommandContext) => Promise<CommandResult>;

/** Register a command; returns the function that removes it (for the owner's stop()). */
export type RegisterCommand = <S extends z.ZodType>(name: string, schema: S, handler: CommandHandler<z.output<S>>) => () => void;
