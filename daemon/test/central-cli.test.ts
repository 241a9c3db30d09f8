// `callpoint central keygen|sign`: what an operator or central's developer
// runs. The key made and the command signed are what the appliance verifies.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseCentralKey } from '../src/config/central-key.js';
import { verifyCommand } from '../src/uplink/command-auth.js';
import { cli } from './helpers/daemon.js';

t.test('keygen writes a private key (0600, never overwritten) and prints the public key line; sign makes a command the appliance accepts', async (t) => {
  const dir = t.testdir();
  const keyFile = join(dir, 'central-key.pem');
  const gen = await cli(['central', 'keygen', '--out', keyFile]);
  t.equal(gen.code, 0, gen.stderr);
  t.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  const publicKey = /publicKey: (\S+)/.exec(gen.stdout)?.[1];
  t.ok(publicKey, gen.stdout);
  t.equal(parseCentralKey(publicKey!).export({ format: 'jwk' }).x, createPublicKey(readFileSync(keyFile, 'utf8')).export({ format: 'jwk' }).x, 'the printed key is the file’s public half');
  const again = await cli(['central', 'keygen', '--out', keyFile]);
  t.equal(again.code, 1);
  t.match(again.stderr, /exists already: a key is never overwritten/);

  const sign = await cli(['central', 'sign', '--key', keyFile, '--key-id', 'central-2026', '--site', 'tunnel-a', '--node', 'cab-3', '--command', 'ack-alarm', '--data', '{"alarmId":"A-20261125-3","by":"duty officer"}', '--id', 'ack-77']);
  t.equal(sign.code, 0, sign.stderr);
  t.match(sign.stderr, /publish it on callpoint\/v1\/tunnel-a\/cab-3\/cmd\/ack-alarm \(QoS 1\); the result comes on callpoint\/v1\/tunnel-a\/cab-3\/cmd-result\/ack-77/);
  const v = verifyCommand('ack-alarm', Buffer.from(sign.stdout.trim()), {
    site: 'tunnel-a', node: 'cab-3', keys: new Map([['central-2026', parseCentralKey(publicKey!)]]), maxSkewMs: 300_000, windowMs: 7 * 86_400_000, horizonMs: 0, now: Date.now(),
  });
  t.match(v, { ok: true, keyId: 'central-2026', cmd: { id: 'ack-77', name: 'ack-alarm', site: 'tunnel-a', node: 'cab-3', data: { alarmId: 'A-20261125-3', by: 'duty officer' } } });
  t.match((await cli(['central', 'sign', '--key', keyFile, '--key-id', 'k', '--site', 's', '--node', 'n', '--command', 'x', '--data', '[1]'])).stderr, /--data must be a JSON object/);
  t.notOk(existsSync(join(dir, 'central-key.pem.pub')), 'nothing else written');
});

t.test('a private key or a wrong key type in central.keys is refused with the reason', async (t) => {
  const keyFile = join(t.testdir(), 'k.pem');
  await cli(['central', 'keygen', '--out', keyFile]);
  t.throws(() => parseCentralKey(readFileSync(keyFile, 'utf8')), /this is a private key: put only the public key/);
  t.throws(() => parseCentralKey('not-a-key'), /a public key is a PEM block or the 32-byte Ed25519 key in base64/);
  t.throws(() => parseCentralKey(Buffer.alloc(31).toString('base64')), /a public key is a PEM block|is 32 bytes/);
});
