// The generated FreeSWITCH files: well-formed, what they must contain, and
// hostile configuration values kept inert.
import t from 'tap';
import type { Config } from '../../daemon/src/config/schema.js';
import { coreVarsXml } from '../src/core-vars.js';
import { callpointContextXml, contextOf, dialplanAnswerXml, fixedExtensions, inboundContextXml, staticDialplanXml } from '../src/dialplan.js';
import { directoryLookupXml, staticDirectoryXml } from '../src/directory.js';
import { eventSocketConf } from '../src/event-socket.js';
import { freeswitchFiles } from '../src/files.js';
import { gatewaysXml } from '../src/gateways.js';
import { xmlCurlConf } from '../src/xml-curl-conf.js';
import { NOT_FOUND_XML } from '../src/xml.js';
import { HOSTILE_NAME, testConfig, testSecrets } from './helpers/fixtures.js';
import { findAll, findOne, parseXml, type XmlElement } from './helpers/xml-parse.js';

const secrets = testSecrets();
const PROVISION_ERROR = { name: 'ProvisionError' };
const pairs = (els: XmlElement[]): Record<string, string> => Object.fromEntries(els.map((e): [string, string] => [e.attrs.name ?? '', e.attrs.value ?? '']));
const params = (root: XmlElement) => pairs(findAll(root, 'param'));
const vars = (user: XmlElement) => pairs(findAll(user, 'variable'));

t.test('every generated file is well-formed and carries no fixed default secret', async (t) => {
  const files = freeswitchFiles(testConfig(), secrets);
  t.same(files.map((f) => f.path), ['autoload_configs/event_socket.conf.xml', 'autoload_configs/xml_curl.conf.xml', 'callpoint-vars.xml', 'directory/default.xml', 'dialplan/callpoint.xml', 'sip_profiles/external/callpoint-trunks.xml']);
  for (const f of files) {
    t.doesNotThrow(() => parseXml(f.content), `${f.path} is well-formed`);
    t.notMatch(f.content, /cluecon/i, `${f.path} has no ClueCon`);
    t.notMatch(f.content, /\$\{system|\$\$\{default_password/, `${f.path}: the hostile name's expansions are defused`);
    // The preprocessor acts on this string anywhere on a line, even in a comment.
    if (f.path !== 'callpoint-vars.xml') t.notMatch(f.content, /X-PRE-PROCESS/, `${f.path} has no preprocessor directive`);
  }
});

t.test('event_socket.conf.xml: loopback only, the per-device password, loopback ACL', async (t) => {
  const root = parseXml(eventSocketConf(testConfig({ freeswitch: { port: 8099 } }), secrets));
  t.equal(root.attrs.name, 'event_socket.conf');
  const p = params(root);
  t.equal(p['listen-ip'], '127.0.0.1');
  t.equal(p['listen-port'], '8099');
  t.equal(p.password, secrets.eslPassword);
  t.equal(p['apply-inbound-acl'], 'loopback.auto');
  t.notOk(Object.values(p).some((v) => v === '0.0.0.0' || v === '::'), 'never every interface');

  const own = params(parseXml(eventSocketConf(testConfig({ freeswitch: { password: 'operator-chosen-pw' } }), secrets)));
  t.equal(own.password, 'operator-chosen-pw', 'freeswitch.password from the configuration wins');
  for (const password of ['ClueCon', 'cluecon', 'ClueCon-2024', 'CHANGE-ME-provisioned-per-device', 'changeme-please']) {
    const cfg = testConfig(); // set after validation: the generator must refuse even what the schema would let through
    cfg.freeswitch.password = password;
    t.throws(() => eventSocketConf(cfg, secrets), PROVISION_ERROR, `refuses ${password}`);
  }
  t.throws(() => eventSocketConf(testConfig({ freeswitch: { password: 'abc${x}defgh' } }), secrets), PROVISION_ERROR, 'refuses an expandable password');
});

t.test('callpoint-vars.xml disables the system API and applications', async (t) => {
  const xml = coreVarsXml();
  parseXml(xml);
  t.match(xml, '<X-PRE-PROCESS cmd="set" data="disable_system_api_commands=true"/>');
  t.match(xml, '<X-PRE-PROCESS cmd="set" data="disable_system_app_commands=true"/>');
  t.equal(xml.match(/X-PRE-PROCESS/g)?.length, 2, 'exactly the two directives (a commented include would recurse)');
  t.notMatch(xml, /cmd="include"/);
});

t.test('xml_curl.conf.xml: directory and dialplan from loopback, with basic auth', async (t) => {
  const root = parseXml(xmlCurlConf(testConfig({ http: { host: '0.0.0.0', port: 8081 } }), secrets));
  t.equal(root.attrs.name, 'xml_curl.conf');
  const bindings = findAll(root, 'binding');
  t.equal(bindings.length, 2);
  const url = (b: XmlElement) => findOne(b, 'param', { name: 'gateway-url' });
  t.same(bindings.map((b) => [url(b).attrs.value, url(b).attrs.bindings]), [
    ['http://127.0.0.1:8081/freeswitch/directory', 'directory'],
    ['http://127.0.0.1:8081/freeswitch/dialplan', 'dialplan'],
  ]);
  for (const b of bindings) {
    t.equal(findOne(b, 'param', { name: 'gateway-credentials' }).attrs.value, `freeswitch:${secrets.xmlCurlSecret}`);
    t.equal(findOne(b, 'param', { name: 'auth-scheme' }).attrs.value, 'basic');
    t.ok(Number(findOne(b, 'param', { name: 'timeout' }).attrs.value) > 0, 'a timeout bounds a hung daemon');
  }
  const vars = findAll(bindings[0]!, 'param', { name: 'enable-post-var' }).map((p) => p.attrs.value);
  t.ok(vars.includes('user') && vars.includes('domain'), 'the directory lookup posts user and domain');

  const tls = testConfig({ http: { host: '127.0.0.1', port: 8443, tls: { cert: '/c', key: '/k' } } });
  t.match(xmlCurlConf(tls, secrets), 'https://127.0.0.1:8443/freeswitch/directory');
  t.match(xmlCurlConf(testConfig({ http: { host: '::', port: 8080 } }), secrets), 'http://[::1]:8080/freeswitch/dialplan');
  t.throws(() => xmlCurlConf(testConfig({ http: { host: '192.168.1.10', port: 8080 } }), secrets), PROVISION_ERROR, 'an admin server on one LAN address is unreachable over loopback');
});

t.test('directory/default.xml: one user per phone with password and variables; hostile names inert', async (t) => {
  const xml = staticDirectoryXml(testConfig(), secrets);
  const root = parseXml(xml);
  t.equal(root.name, 'include');
  t.equal(findOne(root, 'domain').attrs.name, '$${domain}', 'the domain FreeSWITCH calls $${domain}');
  t.match(params(findOne(root, 'domain')), { 'dial-string': /sofia_contact/ });
  const users = findAll(root, 'user');
  t.same(users.map((u) => u.attrs.id), ['8000', '2001']);
  const [u8000, u2001] = users as [XmlElement, XmlElement];
  t.equal(findOne(u8000, 'param', { name: 'password' }).attrs.value, secrets.phoneSecrets['8000'], 'generated secret');
  t.equal(findOne(u2001, 'param', { name: 'password' }).attrs.value, 'configured-secret-2001', 'configured secret wins');
  t.same(vars(u8000), { user_context: 'callpoint', effective_caller_id_name: 'Traffic control', effective_caller_id_number: '8000', callpoint_zone: 'control', toll_allow: '' });
  const hostile = vars(u2001).effective_caller_id_name!;
  t.equal(hostile, HOSTILE_NAME.replace(/\{/g, '(').replace(/\}/g, ')'), 'the name survives, readable, with braces defused');
  t.match(xml, '&lt;A&gt; &amp; &quot;B&quot; &apos;C&apos; ]]&gt;', 'every XML special escaped in the file');
  t.notMatch(xml, /\$\{system/);

  const noSecret = testConfig({ points: [], phones: [{ number: '3001', name: 'West', zone: 'west-bore' }] });
  t.throws(() => staticDirectoryXml(noSecret, secrets), PROVISION_ERROR, 'a phone without any secret is refused, never given an empty password');
});

t.test('directory lookup: only the user asked for, or not found', async (t) => {
  const cfg = testConfig();
  const xml = directoryLookupXml(cfg, secrets, { user: '8000', domain: '192.168.1.20' });
  const root = parseXml(xml);
  t.equal(root.name, 'document');
  t.equal(root.attrs.type, 'freeswitch/xml');
  t.equal(findOne(root, 'section').attrs.name, 'directory');
  t.equal(findOne(root, 'domain').attrs.name, '192.168.1.20', 'the domain asked for');
  t.same(findAll(root, 'user').map((u) => u.attrs.id), ['8000'], 'only that user');
  t.equal(findOne(root, 'param', { name: 'password' }).attrs.value, secrets.phoneSecrets['8000']);

  for (const q of [{ user: '9999', domain: 'd' }, { user: '8000' }, { domain: 'd' }, { user: '8000', domain: 'a"b' }, { user: '8000', domain: 'd', purpose: 'gateways' }, { user: '800', domain: 'd' }])
    t.equal(directoryLookupXml(cfg, secrets, q), NOT_FOUND_XML, `not found: ${JSON.stringify(q)}`);
  const nf = parseXml(NOT_FOUND_XML);
  t.equal(findOne(nf, 'section').attrs.name, 'result');
  t.equal(findOne(nf, 'result').attrs.status, 'not found');
});

/** The test site with a dispatch zone and three trunks (the emergency order: fxo first). */
const routed = () =>
  testConfig({
    zones: [{ id: 'control', dispatch: true }, { id: 'east-bore' }, { id: 'west-bore' }],
    trunks: [
      { id: 'telecom', kind: 'sip', zone: 'control', gateway: { proxy: 'sip.example.cn', username: 'u', password: 'trunk-password-1' }, callerId: '+861088880000' },
      { id: 'fxo', kind: 'fxo', zone: 'control', gateway: { proxy: '192.168.1.20', register: false }, fxo: { card: 'lc0', ports: [5] } },
      { id: 'gsm', kind: 'gsm', zone: 'control', gateway: { proxy: '192.168.1.21', register: false }, gsm: { modems: ['gsm0'] } },
    ],
    lines: { modems: [{ id: 'gsm0', port: '/dev/ttyUSB2' }], lineCards: [{ id: 'lc0', port: '/dev/ttyUSB3' }] },
    numbering: { emergencyTrunks: ['fxo', 'telecom', 'gsm'], dispatch: '100' },
  });

t.test('static dialplan: what works without the daemon — alarms, emergency numbers, the dispatch number, extensions; the rest refused', async (t) => {
  const root = parseXml(staticDialplanXml(routed()));
  const [ctx, inbound] = findAll(root, 'context');
  t.equal(ctx!.attrs.name, 'callpoint');
  const names = findAll(ctx!, 'extension').map((e) => e.attrs.name);
  t.same(names, ['callpoint-domain', 'callpoint-alarm-east-km0-6', 'callpoint-alarm-west-km1-2', 'callpoint-emergency-110', 'callpoint-emergency-119', 'callpoint-emergency-120', 'callpoint-emergency-122', 'callpoint-emergency-112', 'callpoint-dispatch', 'callpoint-local', 'callpoint-conference', 'callpoint-unrouted']);
  const cond = (c: XmlElement, name: string) => findOne(findOne(c, 'extension', { name }), 'condition');
  const actions = (c: XmlElement, name: string) => findAll(cond(c, name), 'action').map((a) => `${a.attrs.application} ${a.attrs.data ?? ''}`.trim());

  const alarm = cond(ctx!, 'callpoint-alarm-east-km0-6');
  t.equal(alarm.attrs.field, 'destination_number');
  const alarmRe = new RegExp(alarm.attrs.expression!);
  t.ok(alarmRe.test('callpoint-alarm-east-km0-6'));
  t.notOk(alarmRe.test('callpoint-alarm-east-km0-6x'), 'anchored');
  t.same(actions(ctx!, 'callpoint-alarm-east-km0-6'), ['set callpoint_call=alarm', 'set callpoint_point=east-km0-6', 'set callpoint_point_zone=east-bore', 'set park_after_bridge=true', 'park']);

  // 119: the emergency trunks in their order, as dialled, each failure falling through, then the dispatch desk.
  t.equal(cond(ctx!, 'callpoint-emergency-119').attrs.expression, '^119$');
  const fire = actions(ctx!, 'callpoint-emergency-119');
  t.same(fire.filter((a) => a.startsWith('bridge')), [
    'bridge [callpoint_trunk_leg=fxo,callpoint_priority=emergency]sofia/gateway/fxo/119',
    'bridge [origination_caller_id_number=+861088880000,callpoint_trunk_leg=telecom,callpoint_priority=emergency]sofia/gateway/telecom/119',
    'bridge [callpoint_trunk_leg=gsm,callpoint_priority=emergency]sofia/gateway/gsm/119',
    'bridge [leg_timeout=60]user/8000',
  ]);
  t.ok(fire.includes('set continue_on_fail=true') && fire.includes('set hangup_after_bridge=true'));
  t.ok(fire.includes('set callpoint_call=emergency') && fire.includes('set callpoint_route=emergency'));
  t.ok(fire.some((a) => a.startsWith('record_session /nonexistent/recordings/${strftime(%Y-%m-%d)}/${uuid}.wav')), 'recorded, into the day\'s folder');
  t.same(actions(ctx!, 'callpoint-dispatch').filter((a) => a.startsWith('bridge')), ['bridge [leg_timeout=30]user/8000'], 'the dispatch number rings the dispatch desks');

  const local = new RegExp(cond(ctx!, 'callpoint-local').attrs.expression!);
  t.ok(local.test('8000') && local.test('2001'), 'configured extensions match');
  t.notOk(local.test('8001') || local.test('80001') || local.test('x8000'), 'other numbers do not');
  t.same(actions(ctx!, 'callpoint-local').at(-1), 'bridge user/$1@${domain_name}');
  t.equal(cond(ctx!, 'callpoint-conference').attrs.expression, '^conf-([a-z0-9-]+)$');
  t.same(actions(ctx!, 'callpoint-conference').at(-1), 'conference $1@default');
  t.equal(cond(ctx!, 'callpoint-unrouted').attrs.expression, '^', 'anything else');
  t.same(actions(ctx!, 'callpoint-unrouted').slice(-3), ['pre_answer', 'playback tone_stream://%(700,700,450);loops=3', 'hangup NORMAL_CIRCUIT_CONGESTION'], 'refused with congestion: nobody decides who may call out');
  t.notOk(actions(ctx!, 'callpoint-alarm-east-km0-6').some((a) => a.includes('park_timeout')), 'an alarm is never timed out');

  t.equal(inbound!.attrs.name, 'callpoint-inbound');
  t.same(actions(inbound!, 'callpoint-inbound-dispatch').filter((a) => a.startsWith('bridge')), ['bridge [leg_timeout=60]user/8000'], 'every call from a trunk rings the dispatch desk');
  t.equal(cond(inbound!, 'callpoint-inbound-dispatch').attrs.expression, '^');

  t.notMatch(callpointContextXml(testConfig({ points: [], phones: [] })), /callpoint-local/, 'no local extension without phones');
  t.match(inboundContextXml(testConfig()), /callpoint-unrouted/, 'without a dispatch zone, calls from trunks are refused');
  const none = callpointContextXml(testConfig());
  t.match(none, /callpoint-emergency-119/, 'without trunks an emergency number still has an extension');
  t.notMatch(none, /bridge[^\n]*sofia\/gateway/, 'with no way out in it');
});

t.test('dialplan values from configuration are escaped even where the schema would not allow them', async (t) => {
  // Bypass the schema: the generator must not rely on it.
  const cfg = { ...testConfig(), phones: [], points: [{ id: 'x"/><extension name="evil', zone: 'z${system(id)}', input: 'i', label: 'l', location: '' }] } as unknown as Config;
  const root = parseXml(staticDialplanXml(cfg));
  const alarm = findAll(root, 'extension').find((e) => e.attrs.name?.startsWith('callpoint-alarm-'))!;
  t.ok(alarm, 'the odd id is one extension');
  t.notOk(findAll(root, 'extension', { name: 'evil' }).length, 'nothing injected');
  const expr = findOne(alarm, 'condition').attrs.expression!;
  t.ok(new RegExp(expr).test('callpoint-alarm-x"/><extension name="evil'), 'the regex matches the literal id');
  const zone = findAll(alarm, 'action').find((a) => a.attrs.data?.startsWith('callpoint_point_zone='))!;
  t.equal(zone.attrs.data, 'callpoint_point_zone=z$(system(id))');
  t.throws(() => staticDirectoryXml({ phones: [{ number: '12|.*', name: 'n', zone: 'z', secret: 'aaaaaaaaaaaaaa' }] }, secrets), PROVISION_ERROR, 'a non-numeric extension is refused');
  // Trunk values that would break out of the dial string never reach it: the builders' grammar refuses them.
  const evil = routed();
  (evil.trunks[0] as { id: string }).id = 'tel|sofia/gateway/x';
  evil.numbering.emergencyTrunks = [];
  t.throws(() => staticDialplanXml(evil), /gateway/, 'a gateway name outside the grammar is refused');
  const dataDir = { ...routed(), dataDir: '/var/lib/${system(rm)}' } as Config;
  t.throws(() => staticDialplanXml(dataDir), /cannot be written into the dialplan/, 'a data directory with an expansion is refused');
});

t.test('sofia gateways: one per trunk on the external profile, inbound calls into callpoint-inbound, the trunk on each leg', async (t) => {
  const root = parseXml(gatewaysXml(routed()));
  const gws = findAll(root, 'gateway');
  t.same(gws.map((g) => g.attrs.name), ['telecom', 'fxo', 'gsm']);
  const p = params(gws[0]!);
  t.match(p, { proxy: 'sip.example.cn', username: 'u', password: 'trunk-password-1', register: 'true', 'register-transport': 'udp', 'expire-seconds': '600', 'retry-seconds': '30', context: 'callpoint-inbound', extension: 'auto_to_user' });
  t.equal(params(gws[1]!).register, 'false');
  t.notOk('username' in params(gws[1]!), 'a gateway that does not register needs no user (sofia uses "FreeSWITCH")');
  t.same(findAll(gws[2]!, 'variable').map((v) => `${v.attrs.name}=${v.attrs.value} ${v.attrs.direction}`), ['callpoint_trunk_leg=gsm both', 'callpoint_trunk=gsm both']);
  const bad = routed();
  bad.trunks[0]!.gateway.password = 'abc${system(id)}';
  t.throws(() => gatewaysXml(bad), PROVISION_ERROR, 'a password FreeSWITCH would expand is refused');
  const quoted = routed();
  quoted.trunks[0]!.gateway.password = 'a"b<c>&d\'e';
  t.equal(params(findAll(parseXml(gatewaysXml(quoted)), 'gateway')[0]!).password, 'a"b<c>&d\'e', 'other characters are escaped, not changed');
});

t.test('dialplan lookup: our contexts; an alarm hotline and a conference room answered without the router', async (t) => {
  const cfg = testConfig();
  t.equal(contextOf({ huntContext: 'callpoint' }), 'callpoint');
  t.equal(contextOf({ callerContext: 'callpoint-inbound' }), 'callpoint-inbound', 'Caller-Context when there is no Hunt-Context');
  t.equal(contextOf({ huntContext: 'public', callerContext: 'callpoint' }), null, 'the context being routed decides');
  t.equal(contextOf({}), null);
  const alarm = fixedExtensions(cfg, 'callpoint-alarm-west-km1-2');
  t.same(alarm && findAll(parseXml(dialplanAnswerXml('callpoint', alarm)), 'extension').map((e) => e.attrs.name), ['callpoint-domain', 'callpoint-alarm-west-km1-2']);
  t.ok(fixedExtensions(cfg, 'conf-ops'));
  t.equal(fixedExtensions(cfg, 'callpoint-alarm-nosuch'), null, 'an unknown point is routed (and refused) like any number');
  t.equal(fixedExtensions(cfg, '8000'), null);
  const doc = parseXml(dialplanAnswerXml('callpoint', alarm!));
  t.equal(doc.name, 'document');
  t.equal(findOne(doc, 'section').attrs.name, 'dialplan');
});
