// Device secrets: created once, private, stable, never a fixed default.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { DEVICE_SECRETS_FILE, loadOrCreateDeviceSecrets } from '../src/device-secrets.js';
import { eslPasswordOf, phonesNeedingSecrets } from '../src/values.js';
import { testConfig, testSecrets } from './helpers/fixtures.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

t.test('created on first use with mode 0600, random, then stable', async (t) => {
  const dir = join(t.testdir(), 'data'); // does not exist yet
  const a = await loadOrCreateDeviceSecrets(dir, ['8000']);
  const file = join(dir, DEVICE_SECRETS_FILE);
  t.equal((await stat(file)).mode & 0o777, 0o600, 'owner-only');
  for (const s of [a.eslPassword, a.xmlCurlSecret, a.phoneSecrets['8000']!]) {
    t.match(s, BASE64URL);
    t.ok(Buffer.from(s, 'base64url').length >= 24, 'at least 24 random bytes');
    t.notMatch(s, /cluecon/i);
  }
  t.not(a.eslPassword, a.xmlCurlSecret, 'independent secrets');
  const before = await readFile(file, 'utf8');
  const b = await loadOrCreateDeviceSecrets(dir, ['8000']);
  t.same(b, a, 'the same secrets on the next run');
  t.equal(await readFile(file, 'utf8'), before, 'the file is not rewritten when nothing is missing');
  t.same((await readdir(dir)).sort(), [DEVICE_SECRETS_FILE], 'no temporary file left behind');

  const other = await loadOrCreateDeviceSecrets(join(t.testdir(), 'other'));
  t.not(other.eslPassword, a.eslPassword, 'another device gets other secrets');
});

t.test('a phone added later gets a secret; existing ones never change', async (t) => {
  const dir = t.testdir();
  const a = await loadOrCreateDeviceSecrets(dir, ['8000']);
  const b = await loadOrCreateDeviceSecrets(dir, ['8000', '1001']);
  t.equal(b.eslPassword, a.eslPassword);
  t.equal(b.xmlCurlSecret, a.xmlCurlSecret);
  t.equal(b.phoneSecrets['8000'], a.phoneSecrets['8000']);
  t.ok(b.phoneSecrets['1001'] && b.phoneSecrets['1001'] !== b.phoneSecrets['8000']);
  t.equal((await stat(join(dir, DEVICE_SECRETS_FILE))).mode & 0o777, 0o600, 'still 0600 after the update');
  const c = await loadOrCreateDeviceSecrets(dir, ['1001']);
  t.same(c, b, 'a phone taken out keeps its secret in the file');
});

t.test('concurrent first calls agree on one set of secrets', async (t) => {
  const dir = t.testdir();
  const all = await Promise.all([1, 2, 3, 4, 5].map(() => loadOrCreateDeviceSecrets(dir, ['8000', '1001'])));
  for (const s of all) t.same(s, all[0]);
  t.same(await loadOrCreateDeviceSecrets(dir), all[0]);
});

t.test('a damaged file is reported, not silently replaced', async (t) => {
  const dir = t.testdir();
  await writeFile(join(dir, DEVICE_SECRETS_FILE), '{ not json');
  await t.rejects(loadOrCreateDeviceSecrets(dir), /not valid JSON/);
  await writeFile(join(dir, DEVICE_SECRETS_FILE), JSON.stringify({ eslPassword: 'short', xmlCurlSecret: 'x', phoneSecrets: {} }));
  await t.rejects(loadOrCreateDeviceSecrets(dir), /valid device secrets/);
});

t.test('which phones need a generated secret; which ESL password is used', async (t) => {
  const cfg = testConfig();
  t.same(phonesNeedingSecrets(cfg), ['8000'], 'only phones without a configured secret');
  t.equal(eslPasswordOf(cfg, testSecrets()), testSecrets().eslPassword, 'generated when the configuration has none');
  t.equal(eslPasswordOf(testConfig({ freeswitch: { password: 'configured-esl-pw' } }), testSecrets()), 'configured-esl-pw', 'the configuration wins');
});
