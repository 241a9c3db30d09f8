// What routing needs of FreeSWITCH, in the emulator and against real
// captures: the gateway status (`sofia xmlstatus gateway`) read by the parser
// and answered by the emulator in mod_sofia's layout; the XML dialplan hunted
// through xml_curl (only the enable-post-var fields, basic auth, the static
// fallback when the daemon does not answer); bridge failover.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { gatewayUsable, parseGatewayStatus } from '../src/pbx/sofia-status.js';
import { FreeSwitchEmulator, type EmittedEvent } from '../src/sim/freeswitch/index.js';
import { contextsOf, type FreeswitchConfig, type GatewayDef } from '../src/sim/freeswitch/fs-config.js';
import { parseXml } from '../src/sim/freeswitch/xml-parse.js';
import { authed } from '../src/sim/freeswitch/raw-client.js';

const FIX = join(import.meta.dirname, 'fixtures', 'freeswitch');
const capture = (f: string) => readFileSync(join(FIX, f), 'utf8');

/** The four gateways of the capture, as provisioning wrote them. */
const gw = (name: string, params: Record<string, string>): GatewayDef => ({
  name, profile: 'external',
  params: { 'register-transport': 'udp', 'expire-seconds': '600', 'retry-seconds': '30', context: 'callpoint-inbound', extension: 'auto_to_user', register: 'false', ...params },
  variables: [{ name: 'callpoint_trunk_leg', value: name, direction: 'both' }, { name: 'callpoint_trunk', value: 'sip', direction: 'both' }],
});
const GATEWAYS = [
  gw('provider', { proxy: '127.0.0.1:35999', username: 'site-a', password: 'p', register: 'true' }),
  gw('dead', { proxy: '127.0.0.1:34291', username: 'site-a', password: 'p', register: 'true', 'retry-seconds': '5' }),
  gw('lan', { proxy: '127.0.0.1:33577', ping: '5' }),
  gw('quiet', { proxy: '127.0.0.1:41211' }),
];

/** Per gateway: the element names in order (the layout), and the state and status. */
function layout(xml: string): Record<string, { tags: string[]; state: string; status: string }> {
  const out: Record<string, { tags: string[]; state: string; status: string }> = {};
  for (const m of xml.matchAll(/<gateway>([\s\S]*?)<\/gateway>/g)) {
    const tags = [...m[1]!.matchAll(/<([a-z-]+)>/g)].map((x) => x[1]!);
    const name = /<name>([^<]*)</.exec(m[1]!)![1]!;
    out[name] = { tags, state: /<state>([^<]*)</.exec(m[1]!)![1]!, status: /<status>([^<]*)</.exec(m[1]!)![1]! };
  }
  return out;
}

t.test('the captured gateway status is read: registered, failing with a retry, no registration with and without pings', async (t) => {
  const starting = parseGatewayStatus(capture('sofia-gateways-starting.xml'))!;
  t.same(starting.map((g) => [g.name, g.state, g.status, g.retryS]), [['quiet', 'NOREG', 'UP', null], ['lan', 'NOREG', 'UP', null], ['dead', 'FAIL_WAIT', 'DOWN', 5], ['provider', 'REGED', 'UP', null]]);
  t.same(starting.map((g) => gatewayUsable(g).up), [true, true, false, true]);
  t.equal(gatewayUsable(starting[2]!).detail, 'registration failed (FAIL_WAIT, next try in 5 s)');
  const later = parseGatewayStatus(capture('sofia-gateways.xml'))!;
  t.equal(later.find((g) => g.name === 'lan')!.pingMs, 0.66);
  t.equal(gatewayUsable(later.find((g) => g.name === 'lan')!).detail, 'answers pings (0.7 ms)');
  t.equal(gatewayUsable({ ...later.find((g) => g.name === 'lan')!, status: 'DOWN' }).detail, 'does not answer pings (NOREG)');
  t.equal(gatewayUsable(later.find((g) => g.name === 'dead')!).detail, 'not registered (UNREGED)');
  t.equal(parseGatewayStatus(capture('sofia-gateway-invalid.txt')), null, '"Invalid Gateway!" is not a status');
  t.equal(parseGatewayStatus('-ERR sofia Command not found!\n'), null);
  t.same(parseGatewayStatus('<?xml version="1.0" encoding="ISO-8859-1"?>\n<gateways>\n</gateways>\n'), [], 'no gateway at all');
});

t.test('the emulator answers sofia xmlstatus gateway in the captured layout', async (t) => {
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, config: { dialplanBinding: null, contexts: new Map(), gateways: GATEWAYS } });
  const { port } = await emu.start();
  t.teardown(() => emu.stop());
  emu.gateway('dead').down();
  const c = await authed(port, 'ClueCon');
  t.teardown(() => c.close());
  const body = (await c.cmd('api sofia xmlstatus gateway')).body;
  const want = layout(capture('sofia-gateways-starting.xml'));
  const got = layout(body);
  t.same(Object.keys(got), Object.keys(want), 'the gateways in mod_sofia\'s order (newest first)');
  for (const name of Object.keys(want)) t.same(got[name], want[name], `${name}: the same elements in the same order, the same state`);
  t.match(body, /^<\?xml version="1\.0" encoding="ISO-8859-1"\?>\n<gateways>\n {2}<gateway>\n {4}<name>quiet<\/name>\n/);
  t.same(parseGatewayStatus(body)!.map((g) => gatewayUsable(g).up), [true, true, false, true], 'the parser reads it as the real one');
  t.match((await c.cmd('api sofia xmlstatus gateway provider')).body, /^<\?xml version="1\.0" encoding="ISO-8859-1"\?>\n {2}<gateway>\n {4}<name>provider<\/name>/);
  t.equal((await c.cmd('api sofia xmlstatus gateway nosuch')).body, capture('sofia-gateway-invalid.txt'));
});

/** A dialplan server standing in for the daemon's xml_curl endpoint. */
async function dialplanServer(answer: (form: URLSearchParams, auth: string | undefined) => { status: number; body: string; delayMs?: number }): Promise<{ server: Server; url: string; seen: URLSearchParams[] }> {
  const seen: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      const a = answer(form, req.headers.authorization);
      setTimeout(() => res.writeHead(a.status, { 'content-type': 'text/xml' }).end(a.body), a.delayMs ?? 0);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/freeswitch/dialplan`, seen };
}

const doc = (exts: string) => `<document type="freeswitch/xml"><section name="dialplan"><context name="callpoint">${exts}</context></section></document>`;
const STATIC = contextsOf(parseXml(`<include><context name="callpoint"><extension name="fallback"><condition field="destination_number" expression="^(119)$"><action application="set" data="where=static"/><action application="bridge" data="sofia/gateway/quiet/$1"/></condition></extension></context></include>`));

async function world(t: Test, binding: FreeswitchConfig['dialplanBinding']) {
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, phones: [{ number: '1001', name: 'Office', zone: 'office' }, { number: '8000', name: 'Desk', answerAfterMs: 30 }], config: { dialplanBinding: binding, contexts: STATIC, gateways: GATEWAYS } });
  await emu.start();
  t.teardown(() => emu.stop());
  const events: EmittedEvent[] = [];
  emu.on('event', (e) => events.push(e));
  const ended = (uuid: string) =>
    new Promise<{ bridged: boolean; cause: string | null; vars: Record<string, string> }>((resolve) => {
      const on = (e: EmittedEvent) => {
        if (e.get('Unique-ID') !== uuid) return;
        if (e.name === 'CHANNEL_BRIDGE' || e.name === 'CHANNEL_HANGUP_COMPLETE') {
          emu.off('event', on);
          resolve({ bridged: e.name === 'CHANNEL_BRIDGE', cause: e.get('Hangup-Cause') ?? null, vars: Object.fromEntries(e.headers.filter(([k]) => k.startsWith('variable_')).map(([k, v]) => [k.slice(9), v])) });
        }
      };
      emu.on('event', on);
    });
  return { emu, events, ended };
}

t.test('xml_curl: only the enabled fields are posted, with basic auth; the answer is run', async (t) => {
  const srv = await dialplanServer(() => ({ status: 200, body: doc('<extension name="r"><condition field="destination_number" expression="^013800138000$"><action application="set" data="callpoint_route=mobile"/><action application="bridge" data="[callpoint_trunk_leg=provider]sofia/gateway/provider/+8613800138000"/></condition></extension>') }));
  t.teardown(() => srv.server.close());
  const { emu, ended } = await world(t, { url: srv.url, credentials: 'freeswitch:s3cret', timeoutMs: 1000, postVars: new Set(['Hunt-Context', 'Hunt-Destination-Number', 'variable_callpoint_zone', 'variable_user_name']) });
  const uuid = emu.phone('1001').dial('013800138000');
  const r = await ended(uuid);
  t.equal(r.bridged, true);
  const form = srv.seen[0]!;
  t.same([...form.keys()], ['hostname', 'section', 'tag_name', 'key_name', 'key_value', 'variable_user_name', 'variable_callpoint_zone', 'Hunt-Destination-Number', 'Hunt-Context'], 'the basic fields, then only the enabled ones');
  t.same([form.get('section'), form.get('Hunt-Context'), form.get('Hunt-Destination-Number'), form.get('variable_user_name'), form.get('variable_callpoint_zone')], ['dialplan', 'callpoint', '013800138000', '1001', 'office']);
  const got = emu.gateway('provider').received.at(-1)!;
  t.same([got.number, got.callerIdNumber, got.outcome], ['+8613800138000', '1001', 'answered']);
  t.equal(emu.channels().find((c) => c.name.startsWith('sofia/gateway/provider'))?.variables.callpoint_trunk_leg, 'provider', 'the leg carries the trunk (gateway and per-leg variables)');
});

t.test('the static dialplan when the daemon fails, is too slow, or is not there', async (t) => {
  for (const [what, answer] of [['a 500', { status: 500, body: 'internal error\n' }], ['too slow', { status: 200, body: doc(''), delayMs: 1500 }], ['not found', { status: 200, body: '<document type="freeswitch/xml"><section name="result"><result status="not found"/></section></document>' }]] as const) {
    const srv = await dialplanServer(() => answer);
    const { emu, ended } = await world(t, { url: srv.url, credentials: null, timeoutMs: 500, postVars: new Set() });
    const r = await ended(emu.phone('1001').dial('119'));
    t.equal(r.bridged, true, `${what}: 119 still bridged`);
    t.equal(emu.gateway('quiet').received.at(-1)?.number, '119', `${what}: by the static extension`);
    srv.server.close();
    await emu.stop();
  }
  const { emu, ended } = await world(t, { url: 'http://127.0.0.1:9/freeswitch/dialplan', credentials: null, timeoutMs: 500, postVars: new Set() });
  t.equal((await ended(emu.phone('1001').dial('119'))).bridged, true, 'nobody listening');
  t.equal((await ended(emu.phone('1001').dial('12345'))).cause, 'NO_ROUTE_DESTINATION', 'no extension matches: no route');
});

t.test('bridge: a failing leg gives way with continue_on_fail, its cause noted; without it the caller gets the cause', async (t) => {
  const ext = (actions: string) => doc(`<extension name="r"><condition field="destination_number" expression="^(.*)$">${actions}</condition></extension>`);
  let answer = '';
  const srv = await dialplanServer(() => ({ status: 200, body: answer }));
  t.teardown(() => srv.server.close());
  const { emu, ended } = await world(t, { url: srv.url, credentials: null, timeoutMs: 1000, postVars: new Set() });
  emu.gateway('dead').down();
  emu.gateway('lan').answer('fail');
  answer = ext(`<action application="set" data="continue_on_fail=true"/>
    <action application="bridge" data="sofia/gateway/dead/1"/><action application="set" data="a=\${a}dead:\${originate_disposition};"/>
    <action application="bridge" data="sofia/gateway/lan/1"/><action application="set" data="a=\${a}lan:\${originate_disposition};"/>
    <action application="bridge" data="sofia/gateway/provider/1"/>`);
  const ok = await ended(emu.phone('1001').dial('1'));
  t.equal(ok.bridged, true, 'the third leg answered');
  t.equal(ok.vars.a, 'dead:GATEWAY_DOWN;lan:NORMAL_TEMPORARY_FAILURE;', 'each failure with the cause FreeSWITCH gives it');
  answer = ext('<action application="bridge" data="sofia/gateway/lan/1"/><action application="set" data="never=reached"/>');
  const failed = await ended(emu.phone('1001').dial('2'));
  t.same([failed.bridged, failed.cause, failed.vars.never], [false, 'NORMAL_TEMPORARY_FAILURE', undefined], 'the caller is hung up with the cause');
  emu.phone('8000').setBehaviour('answer');
  answer = ext('<action application="bridge" data="[leg_timeout=5]sofia/gateway/lan/1,[leg_timeout=5]user/8000"/>');
  const ring = await ended(emu.phone('1001').dial('3'));
  t.equal(ring.bridged, true, 'at once: the first to answer wins');
});
