// Central's public keys for signed commands (configuration `central.keys`):
// Ed25519, written either as a PEM block (`-----BEGIN PUBLIC KEY-----`, what
// `openssl pkey -pubout` prints) or as the 32-byte raw key in base64 or
// base64url (what `callpoint central keygen` prints, one line for YAML).
import { createPublicKey, type KeyObject } from 'node:crypto';

export class CentralKeyError extends Error {}

/** The key, or CentralKeyError saying what is wrong with the text. */
export function parseCentralKey(text: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  if (t.includes('-----BEGIN')) {
    if (t.includes('PRIVATE KEY')) throw new CentralKeyError('this is a private key: put only the public key in the configuration (callpoint central keygen prints it)');
    try {
      key = createPublicKey(t);
    } catch (e) {
      throw new CentralKeyError(`not a readable PEM public key (${(e as Error).message})`);
    }
  } else {
    if (!/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(t)) throw new CentralKeyError('a public key is a PEM block or the 32-byte Ed25519 key in base64');
    const raw = Buffer.from(t.replace(/=+$/, ''), 'base64url');
    if (raw.length !== 32) throw new CentralKeyError(`an Ed25519 public key is 32 bytes, this one is ${raw.length}`);
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CentralKeyError(`central's keys are Ed25519, this one is ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** The raw 32-byte public key of an Ed25519 key, base64 (the one-line form for the configuration). */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}
