// Central's commands are verified by the appliance itself: signed with
// central's Ed25519 key (contracts/commands.ts has the wire format), bound to
// this site and node, this command name, a time window and a nonce. The
// broker's ACL and per-appliance mTLS (provisioning/mosquitto/) are a second
// wall, not the only one: whoever can publish on cmd/ cannot make the
// appliance do anything without central's private key.
//
// Both sides are here — signCommand for central, scripts and tests, and
// verifyCommand for the uplink — so they cannot drift apart. Verification is
// synchronous and cheap (a JSON parse and one Ed25519 check, ~60 µs): it runs
// for every message the intake lets through, before anything is queued.
import { createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { COMMAND_NAME_RE, COMMAND_SIGNATURE_CONTEXT, commandBody, signedCommand, type CommandBody } from '../contracts/commands.js';
import { describeFieldErrors, fieldErrors } from '../contracts/errors.js';

export interface CentralKey {
  id: string;
  key: KeyObject;
}

/** Why a message on cmd/ was not taken as central's command. */
export type Refusal =
  | 'too-large'
  | 'rate'
  | 'not-json'
  | 'unsigned'
  | 'unknown-key'
  | 'bad-signature'
  | 'malformed'
  | 'wrong-target'
  | 'from-the-future'
  | 'expired'
  | 'busy';

export interface VerifyContext {
  site: string;
  node: string;
  keys: ReadonlyMap<string, KeyObject>;
  maxSkewMs: number;
  windowMs: number;
  /** Commands signed at or before this are refused as expired: their ids may be forgotten (ms). */
  horizonMs: number;
  now: number;
}

export type Verified = { ok: true; cmd: CommandBody; keyId: string };
/**
 * `authentic`: the signature checked out, so the refusal may be answered on
 * cmd-result/{id} (central wants to know); an unauthenticated message is never
 * answered — its sender is not central.
 */
export type Refused = { ok: false; reason: Refusal; detail: string; authentic?: { id: string; name: string } };

const signingInput = (cmdText: string) => Buffer.from(COMMAND_SIGNATURE_CONTEXT + cmdText, 'utf8');

/** Check one message from cmd/{topicName}. Never throws. */
export function verifyCommand(topicName: string, payload: Buffer, c: VerifyContext): Verified | Refused {
  let outer: unknown;
  try {
    outer = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not-json', detail: 'the payload is not JSON' };
  }
  const shape = signedCommand.safeParse(outer);
  if (!shape.success) {
    const o = outer as Record<string, unknown> | null;
    if (o && typeof o === 'object' && !('sig' in o)) return { ok: false, reason: 'unsigned', detail: 'not a signed command (no sig): central signs every command' };
    return { ok: false, reason: 'malformed', detail: `not a signed command: ${describeFieldErrors(fieldErrors(shape.error))}` };
  }
  const { cmd: text, keyId, sig } = shape.data;
  const key = c.keys.get(keyId);
  if (!key) return { ok: false, reason: 'unknown-key', detail: `signed with key ${JSON.stringify(keyId)}, which is not one of central.keys` };
  let good: boolean;
  try {
    good = verify(null, signingInput(text), key, Buffer.from(sig, sig.includes('+') || sig.includes('/') || sig.endsWith('=') ? 'base64' : 'base64url'));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad-signature', detail: `the signature does not match key ${keyId}` };

  // Authentic from here on: central signed this text.
  let inner: unknown;
  try {
    inner = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'the signed command is not JSON' };
  }
  const body = commandBody.safeParse(inner);
  if (!body.success) {
    const raw = inner as { id?: unknown; name?: unknown };
    const id = typeof raw?.id === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(raw.id) ? raw.id : undefined;
    return { ok: false, reason: 'malformed', detail: `invalid: ${describeFieldErrors(fieldErrors(body.error))}`, ...(id ? { authentic: { id, name: COMMAND_NAME_RE.test(topicName) ? topicName : 'invalid-name' } } : {}) };
  }
  const cmd = body.data;
  // A command for another appliance or another command name is somebody replaying it here: never answered.
  if (cmd.site !== c.site || cmd.node !== c.node) return { ok: false, reason: 'wrong-target', detail: `signed for ${cmd.site}/${cmd.node}, not this appliance` };
  if (cmd.name !== topicName) return { ok: false, reason: 'wrong-target', detail: `signed as ${cmd.name}, published on cmd/${topicName.slice(0, 64)}` };
  const ts = Date.parse(cmd.ts);
  const exp = Date.parse(cmd.exp);
  const authentic = { id: cmd.id, name: cmd.name };
  if (ts > c.now + c.maxSkewMs) return { ok: false, reason: 'from-the-future', detail: `signed at ${cmd.ts}, ahead of this appliance's clock (${new Date(c.now).toISOString()}) by more than ${Math.round(c.maxSkewMs / 1000)} s`, authentic };
  if (exp <= ts || exp - ts > c.windowMs) return { ok: false, reason: 'malformed', detail: `exp must be after ts and at most ${Math.round(c.windowMs / 86_400_000)} days after it`, authentic };
  if (exp < c.now) return { ok: false, reason: 'expired', detail: `expired at ${cmd.exp}`, authentic };
  if (ts <= c.horizonMs) return { ok: false, reason: 'expired', detail: `signed at ${cmd.ts}, before the ids this appliance still remembers (${new Date(c.horizonMs).toISOString()})`, authentic };
  return { ok: true, cmd, keyId };
}

/** JSON with object keys sorted: the same data always gives the same text (for fingerprints, not for signing). */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** What an id is bound to: the command's name and payload (not its time or nonce, which a retry changes). */
export function fingerprint(name: string, data: Record<string, unknown>): string {
  return createHash('sha256').update(`${name}\n${stable(data)}`).digest('base64url');
}

export interface SignOptions {
  privateKey: KeyObject;
  keyId: string;
  site: string;
  node: string;
  name: string;
  id: string;
  data: Record<string, unknown>;
  /** Default now. */
  ts?: Date;
  /** Seconds from ts to exp; default 300. */
  ttlS?: number;
  nonce?: string;
}

/** Central's side: the message to publish on cmd/{name}. */
export function signCommand(o: SignOptions): string {
  const ts = o.ts ?? new Date();
  const body: CommandBody = {
    id: o.id, name: o.name, site: o.site, node: o.node, ts: ts.toISOString(), exp: new Date(ts.getTime() + (o.ttlS ?? 300) * 1000).toISOString(),
    nonce: o.nonce ?? randomBytes(16).toString('base64url'), data: o.data,
  };
  const cmd = JSON.stringify(body);
  return JSON.stringify({ cmd, keyId: o.keyId, sig: sign(null, signingInput(cmd), o.privateKey).toString('base64url') });
}
