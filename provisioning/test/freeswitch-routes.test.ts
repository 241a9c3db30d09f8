// The mod_xml_curl endpoints, over real HTTP: loopback only, basic auth, the
// right XML for directory and dialplan lookups.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import t from 'tap';
import { basicAuthMatches, freeswitchRouter, isLoopbackAddress } from '../../daemon/src/api/freeswitch-routes.js';
import { fixedConfig } from '../../daemon/src/config/holder.js';
import { NOT_FOUND_XML } from '../src/xml.js';
import { route } from '../../daemon/src/routing/router.js';
import { compileTables } from '../../daemon/src/routing/tables.js';
import { testConfig, testSecrets } from './helpers/fixtures.js';
import { findAll, findOne, parseXml } from './helpers/xml-parse.js';

const secrets = testSecrets();
const logLines: string[] = [];
const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, cb) => (logLines.push(chunk.toString()), cb()) }));
const auth = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const GOOD = auth('freeswitch', secrets.xmlCurlSecret);

async function serve(host: string): Promise<{ server: Server; base: string }> {
  const app = express();
  app.set('trust proxy', true); // even a trusting app must not let X-Forwarded-For decide
  const config = testConfig();
  const tables = compileTables(config);
  // The real router with no trunk: what FreeSWITCH gets for a phone's call.
  const routing = { decide: async (req: Parameters<typeof route>[0]) => route(req, tables, { trunks: new Map(), calls: [], night: 'auto' as const }), trunkOf: () => undefined };
  app.use(freeswitchRouter({ config: fixedConfig(config), secrets: async () => secrets, log, routing }));
  app.use((_req, res) => void res.status(404).send('fell through'));
  const server = app.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

function post(base: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(base + path, { method: 'POST', headers, body: new URLSearchParams(form) });
}

let local: { server: Server; base: string };
t.before(async () => {
  local = await serve('127.0.0.1');
});
t.teardown(() => local?.server.close());

t.test('the address check: exact loopback addresses only', async (t) => {
  for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) t.ok(isLoopbackAddress(a), a);
  for (const a of [undefined, '', '10.0.0.1', '192.168.1.20', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', '::', 'localhost', '127.0.0.1.evil', ' 127.0.0.1'])
    t.notOk(isLoopbackAddress(a), String(a));
});

t.test('the credential check', async (t) => {
  t.ok(basicAuthMatches(GOOD, 'freeswitch', secrets.xmlCurlSecret));
  t.ok(basicAuthMatches(GOOD.replace('Basic', 'basic'), 'freeswitch', secrets.xmlCurlSecret), 'scheme is case-insensitive');
  for (const h of [undefined, '', 'Basic', 'Bearer x', auth('freeswitch', 'wrong'), auth('admin', secrets.xmlCurlSecret), auth('freeswitch', `${secrets.xmlCurlSecret}x`), auth('freeswitch', secrets.xmlCurlSecret.slice(0, -1)), `Basic ${Buffer.from(secrets.xmlCurlSecret).toString('base64')}`, 'Basic !!!'])
    t.notOk(basicAuthMatches(h, 'freeswitch', secrets.xmlCurlSecret), String(h));
});

t.test('401 without or with wrong credentials', async (t) => {
  for (const path of ['/freeswitch/directory', '/freeswitch/dialplan']) {
    const none = await post(local.base, path, { section: 'directory', user: '8000', domain: 'd' });
    t.equal(none.status, 401, `${path}: no credentials`);
    t.match(none.headers.get('www-authenticate'), /^Basic /);
    t.notMatch(await none.text(), /password/);
    t.equal((await post(local.base, path, { section: 'directory' }, { authorization: auth('freeswitch', 'guess') })).status, 401, `${path}: wrong password`);
    t.equal((await post(local.base, path, { section: 'directory' }, { authorization: auth('root', secrets.xmlCurlSecret) })).status, 401, `${path}: wrong user`);
  }
});

t.test('directory lookup of a known user: that user with its password', async (t) => {
  const res = await post(local.base, '/freeswitch/directory', { hostname: 'board', section: 'directory', tag_name: 'domain', key_name: 'name', key_value: '10.0.0.5', user: '8000', domain: '10.0.0.5', action: 'sip_auth' }, { authorization: GOOD });
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/xml/);
  const root = parseXml(await res.text());
  t.equal(findOne(root, 'section').attrs.name, 'directory');
  t.equal(findOne(root, 'domain').attrs.name, '10.0.0.5');
  t.same(findAll(root, 'user').map((u) => u.attrs.id), ['8000']);
  t.equal(findOne(root, 'param', { name: 'password' }).attrs.value, secrets.phoneSecrets['8000']);
  t.equal(findOne(root, 'variable', { name: 'user_context' }).attrs.value, 'callpoint');
});

t.test('unknown user, other section: the not-found document', async (t) => {
  const forms: Record<string, string>[] = [{ section: 'directory', user: '9999', domain: 'd' }, { section: 'configuration', key_value: 'sofia.conf' }, { section: 'directory', domain: 'd', purpose: 'gateways' }, {}];
  for (const form of forms) {
    const res = await post(local.base, '/freeswitch/directory', form, { authorization: GOOD });
    t.equal(res.status, 200);
    t.equal(await res.text(), NOT_FOUND_XML, JSON.stringify(form));
  }
});

t.test('dialplan lookup: the callpoint context, one routed extension for the call', async (t) => {
  const res = await post(local.base, '/freeswitch/dialplan', { section: 'dialplan', 'Hunt-Context': 'callpoint', 'Caller-Context': 'callpoint', 'Caller-Destination-Number': '8000', 'Hunt-Destination-Number': '8000', variable_user_name: '2001' }, { authorization: GOOD });
  t.equal(res.status, 200);
  const root = parseXml(await res.text());
  t.equal(findOne(root, 'section').attrs.name, 'dialplan');
  t.equal(findOne(root, 'context').attrs.name, 'callpoint');
  t.same(findAll(root, 'extension').map((e) => e.attrs.name), ['callpoint-domain', 'callpoint-route']);
  const acts = findAll(root, 'action').map((a) => `${a.attrs.application} ${a.attrs.data ?? ''}`.trim());
  t.ok(acts.includes('set callpoint_route=extension'), 'the rule is on the channel');
  t.ok(acts.includes('bridge user/8000'), 'bridged to the desk');
  const alarm = await post(local.base, '/freeswitch/dialplan', { section: 'dialplan', 'Hunt-Context': 'callpoint', 'Hunt-Destination-Number': 'callpoint-alarm-east-km0-6' }, { authorization: GOOD });
  t.same(findAll(parseXml(await alarm.text()), 'extension').map((e) => e.attrs.name), ['callpoint-domain', 'callpoint-alarm-east-km0-6'], 'an alarm hotline is not routed: it parks for the alarm service');
  const refused = await post(local.base, '/freeswitch/dialplan', { section: 'dialplan', 'Hunt-Context': 'callpoint', 'Hunt-Destination-Number': '013800138000', variable_user_name: '2001' }, { authorization: GOOD });
  const refusedActs = findAll(parseXml(await refused.text()), 'action').map((a) => `${a.attrs.application} ${a.attrs.data ?? ''}`.trim());
  t.ok(refusedActs.includes('set callpoint_call=refused'));
  t.ok(refusedActs.some((a) => a.startsWith('hangup ')), 'and hung up');
  t.notOk(refusedActs.some((a) => a.startsWith('bridge')), 'never bridged');
  const other = await post(local.base, '/freeswitch/dialplan', { section: 'dialplan', 'Hunt-Context': 'public' }, { authorization: GOOD });
  t.equal(await other.text(), NOT_FOUND_XML, 'another context: FreeSWITCH keeps its own');
  const wrongSection = await post(local.base, '/freeswitch/dialplan', { section: 'directory', 'Hunt-Context': 'callpoint' }, { authorization: GOOD });
  t.equal(await wrongSection.text(), NOT_FOUND_XML);
});

t.test('a body over 32 kB is refused without a stack trace', async (t) => {
  const res = await post(local.base, '/freeswitch/dialplan', { section: 'dialplan', junk: 'x'.repeat(40_000) }, { authorization: GOOD });
  t.equal(res.status, 413);
  t.equal(await res.text(), 'request body too large\n');
});

t.test('other methods and paths are not answered by the router', async (t) => {
  t.equal((await fetch(`${local.base}/freeswitch/directory`)).status, 404);
  t.equal((await post(local.base, '/freeswitch/configuration', { section: 'configuration' }, { authorization: GOOD })).status, 404);
});

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

t.test('403 from a non-loopback address, whatever X-Forwarded-For says', { skip: lanAddress ? false : 'this machine has no non-loopback IPv4 address to connect from' }, async (t) => {
  const lan = await serve(lanAddress!);
  t.teardown(() => lan.server.close());
  const variants: Record<string, string>[] = [{ authorization: GOOD }, { authorization: GOOD, 'x-forwarded-for': '127.0.0.1' }, {}];
  for (const headers of variants) {
    const res = await post(lan.base, '/freeswitch/directory', { section: 'directory', user: '8000', domain: 'd' }, headers);
    t.equal(res.status, 403, JSON.stringify(Object.keys(headers)));
    t.notMatch(await res.text(), secrets.phoneSecrets['8000']!);
  }
});

t.test('no secret reaches the log', async (t) => {
  const all = logLines.join('');
  t.match(all, /refused/, 'refusals are logged');
  for (const s of [secrets.xmlCurlSecret, secrets.phoneSecrets['8000']!, 'configured-secret-2001']) t.notMatch(all, s);
});
