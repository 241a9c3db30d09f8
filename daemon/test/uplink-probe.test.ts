// "Test connection" of the uplink settings being edited: one connection per
// broker, and what went wrong in words a technician can act on.
import { join } from 'node:path';
import t from 'tap';
import { draftSettings, probeBroker } from '../src/uplink/probe.js';
import { SECRET_MASK } from '../src/contracts/values.js';
import { freePort } from './helpers/daemon.js';
import { mosquitto } from './helpers/mosquitto.js';
import { makePki } from './helpers/tls.js';
import { skipUnless } from './helpers/tools.js';

const base = { brokers: [], keepaliveS: 30 };

t.test('nothing listening, a name that does not resolve: said so', async (t) => {
  const port = await freePort();
  t.match(await probeBroker(`mqtt://127.0.0.1:${port}`, base, 2000), { ok: false, detail: `nothing accepts connections at 127.0.0.1:${port} (connection refused): wrong port, or the broker is down` });
  t.match(await probeBroker('mqtt://no-such-host.invalid:1883', base, 2000), { ok: false, detail: 'the name no-such-host.invalid cannot be resolved (DNS)' });
  t.match(await probeBroker('mqtts://127.0.0.1:1', { ...base, ca: '/nonexistent/ca.pem' }, 2000), { ok: false, detail: /cannot read uplink\.ca \(\/nonexistent\/ca\.pem\): ENOENT/ });
});

t.test('a masked secret stands for the stored one', async (t) => {
  const stored = { brokers: ['mqtts://a:8883'], username: 'u', password: 'stored-pass', keepaliveS: 30, inflight: 20, maxBacklog: 1000 };
  t.equal(draftSettings({ password: SECRET_MASK, username: 'u' }, stored).password, 'stored-pass');
  t.equal(draftSettings({ password: 'typed-now' }, stored).password, 'typed-now');
  t.same(draftSettings({}, stored).brokers, ['mqtts://a:8883']);
});

t.test('TLS and login refusals in words, against mosquitto', { skip: skipUnless('mosquitto') }, async (t) => {
  const pki = makePki(join(t.testdirName, 'tls'), { name: 'cab3', password: 's3cret-pass' });
  const f = pki.file;
  const mq = await mosquitto({ allowAnonymous: false, listener: ['listener PORT 127.0.0.1', `cafile ${f('ca.pem')}`, `certfile ${f('server.pem')}`, `keyfile ${f('server.key')}`, `password_file ${f('passwd')}`] });
  t.teardown(() => mq.dispose());
  const good = { ...base, username: 'cab3', password: 's3cret-pass', ca: f('ca.pem') };
  t.match(await probeBroker(mq.url, good), { ok: true, detail: /^connected over TLS in \d+ ms; the broker accepted user cab3$/ });
  t.match(await probeBroker(mq.url, { ...good, password: 'wrong' }), { ok: false, detail: /refused the (login: wrong )?username or password/ });
  t.match(await probeBroker(mq.url, { ...good, ca: undefined }), { ok: false, detail: /^TLS: the broker’s certificate .* (not trusted|not signed)/ });
  t.match(await probeBroker(mq.url.replace('mqtts:', 'mqtt:'), good, 2000), { ok: false, detail: /TLS|mqtts/ }, 'plain MQTT to a TLS port');
});
