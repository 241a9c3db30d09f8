// Central's side in tests: a key pair, its entry for `central.keys`, and
// signed commands ready to publish on cmd/{name}.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { rawPublicKey } from '../../src/config/central-key.js';
import { signCommand, type SignOptions } from '../../src/uplink/command-auth.js';

export interface TestCentral {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** For the configuration: central: { keys: [entry] }. */
  entry: { id: string; publicKey: string };
  /** A signed command for cmd/{name}; `id` defaults to a fresh one. */
  sign(name: string, data?: Record<string, unknown>, o?: Partial<SignOptions>): string;
}

export function testCentral(site: string, node: string, keyId = 'central-test'): TestCentral {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId, privateKey, publicKey,
    entry: { id: keyId, publicKey: rawPublicKey(publicKey) },
    sign: (name, data = {}, o = {}) => signCommand({ privateKey, keyId, site, node, name, id: `${name}-${randomUUID()}`, data, ...o }),
  };
}

/** The id inside a signed command. */
export const idOf = (signed: string) => (JSON.parse((JSON.parse(signed) as { cmd: string }).cmd) as { id: string }).id;
