// Commands from central (MQTT cmd/{name}), as the services that own them see
// them: a service registers a name, the zod schema of its payload and a
// handler through this small interface; the uplink (which verifies, de-
// duplicates, audits and answers) implements it. No service imports the uplink.
import { z } from 'zod';
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

// ───────────── the signed command, as central publishes it on cmd/{name} ─────────────
//
//   { "cmd": "<the command as JSON text>", "keyId": "central-2026", "sig": "<base64url>" }
//
// `cmd` is the command, serialised once by central; `sig` is the Ed25519
// signature (RFC 8032, pure) of the UTF-8 bytes of COMMAND_SIGNATURE_CONTEXT
// followed by exactly the bytes of `cmd`. Signing the text as sent needs no
// canonical JSON on either side. The context string keeps a signature made
// for anything else with the same key from passing as a command.
export const COMMAND_SIGNATURE_CONTEXT = 'callpoint-cmd/1\n';
/** A command's id: what its result is published under (cmd-result/{id}), so no / + # or spaces. */
export const COMMAND_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;
export const COMMAND_NAME_RE = /^[a-z][a-z0-9-]{0,63}$/;

export const signedCommand = z.strictObject({
  /** Bounded by the command's own payload limit (64 KiB by default, more for a whole configuration), checked before parsing. */
  cmd: z.string().min(2).max(2_500_000),
  keyId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a key id is 1–63 of a-z 0-9 _ -'),
  /** 64 bytes, base64url without padding (86 characters); base64 with padding is accepted too. */
  sig: z.string().regex(/^[A-Za-z0-9_+/-]{86}(==)?$/, 'an Ed25519 signature is 64 bytes in base64url'),
});
export type SignedCommand = z.infer<typeof signedCommand>;

/** What `cmd` holds. Every field is signed: the command is bound to this node, this name, this time and this payload. */
export const commandBody = z.strictObject({
  /** Chosen by central, unique: a repeat of the same command is answered with the first result, never run again. */
  id: z.string().regex(COMMAND_ID_RE, 'an id is 1–100 of A-Z a-z 0-9 . _ : -'),
  /** The command: must be the topic's last part. */
  name: z.string().regex(COMMAND_NAME_RE, 'a command name is a-z, 0-9 and -'),
  /** The appliance it is for: must be this one's. */
  site: z.string().max(63),
  node: z.string().max(63),
  /** When central signed it, ISO-8601 UTC. */
  ts: z.iso.datetime({ offset: false }),
  /** After this (ISO-8601 UTC) the command is refused as expired; at most the replay window after ts. */
  exp: z.iso.datetime({ offset: false }),
  /** Random, 16–64 of A-Z a-z 0-9 _ -, never used twice with the same key. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a nonce is 16–64 of A-Z a-z 0-9 _ -'),
  /** The command's own fields (its schema is the registered one's). */
  data: z.record(z.string(), z.unknown()),
});
export type CommandBody = z.infer<typeof commandBody>;
