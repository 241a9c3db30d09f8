// Central pushes a configuration over a real mosquitto: cmd/config-apply with
// the whole file and the version central believes is current. Applied,
// audited as central and answered with the new version, what took effect and
// what waits; a stale version or an invalid file is refused with the reason
// (the current version; each problem on its field) and changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import t from 'tap';
import { stringify } from 'yaml';
import type { CommandResultMessage, Envelope } from '../src/contracts/index.js';
import { Db } from '../src/store/db.js';
import { cli, freePort, startDaemon, writeConfig } from './helpers/daemon.js';
import { testCentral } from './helpers/central.js';
import { Client } from './helpers/http.js';
import { mosquitto } from './helpers/mosquitto.js';
import { skipUnless } from './helpers/tools.js';

const PW = 'harbour-copper-relay-19';

t.test('cmd/config-apply: applied and answered; stale or invalid refused, nothing changed', { skip: skipUnless('mosquitto') }, async (t) => {
  const mq = await mosquitto();
  t.teardown(() => mq.dispose());
  const dir = t.testdir();
  const port = await freePort();
  // Central signs its commands (uplink/command-auth.ts); its public key is in the configuration it pushes too.
  const signer = testCentral('tun', 'c3');
  const base = { site: 'tun', node: 'c3', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port }, uplink: { brokers: [mq.url] }, central: { keys: [signer.entry] }, log: { level: 'info' } };
  const configFile = await writeConfig(dir, port, base);
  const add = await cli(['user', 'add', 'watcher', '--role', 'viewer', '--password-stdin', '--config', configFile], { input: `${PW}\n` });
  t.equal(add.code, 0, add.stderr);
  const d = await startDaemon(dir, { configFile, port });
  t.teardown(() => d.stop());
  const c = new Client(d.url);
  await c.login('watcher', PW);
  const live = join(d.dataDir, 'config.yaml');
  const version = async () => Number((await c.get('/api/config')).json.version);

  const central = await mqtt.connectAsync(mq.url, { clientId: 'central-test' });
  t.teardown(() => central.endAsync());
  const results = new Map<string, CommandResultMessage>();
  central.on('message', (_topic, payload) => {
    const env = JSON.parse(payload.toString()) as Envelope<CommandResultMessage>;
    results.set(env.data.id, env.data);
  });
  await central.subscribeAsync('callpoint/v1/tun/c3/cmd-result/#', { qos: 1 });
  const push = async (id: string, body: Record<string, unknown>) => {
    await central.publishAsync('callpoint/v1/tun/c3/cmd/config-apply', signer.sign('config-apply', body, { id }), { qos: 1 });
    for (const end = Date.now() + 15_000; !results.has(id); ) {
      if (Date.now() > end) throw new Error(`no result for ${id}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return results.get(id)!;
  };
  for (const end = Date.now() + 15_000; (await c.get('/api/health')).json.components && ((await c.get('/api/health')).json.components as { uplink: { status: string } }).uplink.status !== 'ok'; ) {
    if (Date.now() > end) throw new Error('the uplink did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }

  // A whole site from central (more points than fit in an ordinary command's 64 KiB).
  const v0 = await version();
  const points = Array.from({ length: 500 }, (_, i) => ({ id: `p${i}`, input: `in${(i % 8) + 1}`, label: `SOS km ${(i / 10).toFixed(1)}`, location: `Tunnel, niche ${i}, east bore, near the fire cabinet`, zone: 'bore', plan: 'desk' }));
  const yaml = `# pushed by central\n${stringify({ ...base, zones: [{ id: 'bore' }, { id: 'ctl' }], plans: [{ id: 'desk', targets: [{ extension: '8000', ringS: 20 }] }], points, phones: [{ number: '8000', name: 'Desk', zone: 'ctl' }] })}`;
  t.ok(yaml.length > 64 * 1024, `the file is ${yaml.length} bytes`);
  const ok = await push('cfg-1', { yaml, expectedVersion: v0, reason: 'site survey 2026-11', by: 'hq' });
  t.match(ok, { ok: true, result: { version: v0 + 1, applied: [{ path: 'zones' }, { path: 'plans' }, { path: 'points' }, { path: 'phones' }] } }, 'applied and answered with what took effect');
  t.equal(readFileSync(live, 'utf8'), yaml, 'the file is central’s, byte for byte');
  t.equal(await version(), v0 + 1);

  // A stale version: refused with the current one; nothing changes.
  const stale = await push('cfg-2', { yaml: yaml.replace('SOS km 0.0', 'SOS km zero'), expectedVersion: v0 });
  t.match(stale, { ok: false, error: /^stale: the configuration changed since version/, result: { version: v0 + 1 } });
  t.equal(readFileSync(live, 'utf8'), yaml, 'the file did not change');

  // An invalid file: each problem on its field; nothing changes.
  const invalid = await push('cfg-3', { yaml: yaml.replace('plan: desk\n', 'plan: nobody\n').replace('port: ' + port, 'port: eighty'), expectedVersion: v0 + 1 });
  t.match(invalid, { ok: false, error: /^invalid: /, errors: [{ path: 'http.port', message: 'expected a number, got "eighty"' }] });
  const invalidRef = await push('cfg-4', { yaml: yaml.replace('plan: desk\n', 'plan: nobody\n'), expectedVersion: v0 + 1 });
  t.match(invalidRef, { ok: false, errors: [{ path: 'points[0].plan', message: 'no escalation plan "nobody" (plans: desk)' }] });
  t.equal(readFileSync(live, 'utf8'), yaml, 'the file did not change');
  t.equal(await version(), v0 + 1, 'no version was made');

  // The same command again (central resending it): answered again from the stored result, not applied twice.
  results.delete('cfg-1');
  t.match(await push('cfg-1', { yaml, expectedVersion: v0, reason: 'site survey 2026-11', by: 'hq' }), { ok: true, result: { version: v0 + 1 } });
  // The same id with another payload is a conflict, never answered with the old result (uplink/command-auth.ts).
  results.delete('cfg-1');
  t.match(await push('cfg-1', { yaml, expectedVersion: v0 }), { ok: false, error: /conflict/ }, 'the id is bound to its payload');
  t.equal(await version(), v0 + 1);

  await d.stop();
  const db = await Db.open(join(d.dataDir, 'callpoint.db'), { readonly: true });
  const audit = await db.all<{ action: string; username: string; target: string | null; outcome: string; detail: string }>("SELECT action, username, target, outcome, detail FROM audit_log WHERE action IN ('config.central', 'cmd.config-apply') ORDER BY id");
  await db.close();
  t.match(audit.find((a) => a.action === 'config.central'), { username: 'central:hq', target: `v${v0 + 1}`, outcome: 'ok', detail: /"site survey 2026-11"; .*zones\[id=bore\]: added/ }, 'audited as central, with the diff');
  t.match(audit.filter((a) => a.action === 'cmd.config-apply').map((a) => a.outcome), ['ok', 'failed', 'failed', 'failed'], 'every command audited with its outcome');
});
