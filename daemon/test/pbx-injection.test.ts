// Injection: every value that reaches a FreeSWITCH command passes the grammar
// first. Real payloads go through every entry point of the gateway; a server
// on the other end of the socket proves that not one byte went out.
import { join } from 'node:path';
import t from 'tap';
import pino from 'pino';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway } from '../src/pbx/gateway.js';
import * as cmd from '../src/pbx/commands/builders.js';
import { Store } from '../src/store/store.js';
import { FakeEsl } from './helpers/fake-esl.js';

const PAYLOADS = [
  '1001\n\napi system rm -rf /',
  '1001\napi system id',
  '1001\r\n\r\nexit',
  '100,execute_on_answer=system id',
  '&system(id)',
  '1001 &park',
  '${system(id)}',
  '1001|user/1002',
  '1001:_:user/1002',
  "'1001'",
  '"1001"',
  '{x=y}1001',
  '[x=y]1001',
  '^^:1001',
  '1001 ',
  ' 1001',
  '１００１',
  '',
  'ABCDEFAB-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-000000000000 NORMAL_CLEARING\n\napi system id',
  '../../etc/passwd',
  '/tmp/x.wav;system id',
];
const UUID = '0b6f3b1e-2c4d-4e5f-8a9b-0c1d2e3f4a5b';
const log = pino({ level: 'silent' });

t.test('every payload through every entry point: refused, named, nothing sent', async (t) => {
  const esl = new FakeEsl('secret-pass-9');
  const port = await esl.start();
  const store = await Store.open(t.testdir(), { site: 's', node: 'n' });
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const gw = new FreeswitchGateway({ host: '127.0.0.1', port, password: 'secret-pass-9', recordingsDir: join(t.testdirName, 'rec') }, { store, health, bus: new EventBus(log), log });
  await gw.start();
  for (let i = 0; i < 50 && !gw.connected; i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(gw.connected, 'connected to the test server');
  await new Promise((r) => setTimeout(r, 100));
  const before = esl.text.length;

  type Entry = [string, (p: string) => Promise<{ ok: boolean; reason?: string; message?: string }>];
  const entries: Entry[] = [
    ['originate target.number', (p) => gw.originate({ target: { kind: 'extension', number: p }, app: { app: 'park' } })],
    ['originate gateway name', (p) => gw.originate({ target: { kind: 'gateway', gateway: p, number: '0123456789' }, app: { app: 'park' } })],
    ['originate gateway number', (p) => gw.originate({ target: { kind: 'gateway', gateway: 'pstn', number: p }, app: { app: 'park' } })],
    ['originate gsm number', (p) => gw.originate({ target: { kind: 'gsm', number: p }, app: { app: 'park' } })],
    ['originate ring group', (p) => gw.originate({ target: { kind: 'ring-group', name: p, domain: 'site.local' }, app: { app: 'park' } })],
    ['originate ring group domain', (p) => gw.originate({ target: { kind: 'ring-group', name: 'desk', domain: p }, app: { app: 'park' } })],
    ['originate caller id number', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, callerIdNumber: p })],
    ['originate caller id name', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, callerIdName: p })],
    ['originate variable value', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, variables: { callpoint_zone: p } })],
    ['originate variable name', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, variables: { [p]: 'x' } })],
    ['originate uuid', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, uuid: p })],
    ['originate bridge target', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'bridge', target: { kind: 'extension', number: p } } })],
    ['originate playback path', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'playback', path: p } })],
    ['originate conference name', (p) => gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'conference', name: p } })],
    ['hangup uuid', (p) => gw.hangup(p)],
    ['hangup cause', (p) => gw.hangup(UUID, p as never)],
    ['force-release uuid', (p) => gw.forceRelease(p)],
    ['transfer uuid', (p) => gw.transfer(p, '1001')],
    ['transfer destination', (p) => gw.transfer(UUID, p)],
    ['bridge a', (p) => gw.bridge(p, UUID)],
    ['bridge b', (p) => gw.bridge(UUID, p)],
    ['hold uuid', (p) => gw.hold(p, true)],
    ['tone name', (p) => gw.playTone(UUID, p as never)],
    ['play file path', (p) => gw.playFile(UUID, p)],
    ['dtmf uuid', (p) => gw.sendDtmf(p, '1')],
    ['dtmf digits', (p) => gw.sendDtmf(UUID, p)],
    ['record uuid', (p) => gw.recordStart(p)],
    ['conference list', (p) => gw.conferenceList(p)],
    ['conference kick name', (p) => gw.conferenceKick(p, 1)],
    ['conference kick member', (p) => gw.conferenceKick('room', p)],
    ['conference mute member', (p) => gw.conferenceMute('room', p, true)],
    ['conference join target', (p) => gw.conferenceJoin('room', { kind: 'extension', number: p })],
    ['monitor uuid', (p) => gw.monitor(p, '8000', 'listen')],
    ['monitor supervisor', (p) => gw.monitor(UUID, p, 'whisper')],
    ['barge uuid', (p) => gw.monitor(p, '8000', 'barge')],
    ['page conference', (p) => gw.page(p, ['1001'], '/var/lib/callpoint/prompts/fire.wav')],
    ['page extension', (p) => gw.page('drill', [p], '/var/lib/callpoint/prompts/fire.wav')],
    ['page announcement', (p) => gw.page('drill', ['1001'], p)],
  ];
  let refused = 0;
  const accepted: string[] = [];
  for (const [name, call] of entries) {
    for (const p of PAYLOADS) {
      // Some payloads are harmless, legitimate values of some fields: a caller
      // name of letters and digits in any script; a variable value such as ""
      // or "../../etc/passwd" (only text inside a variable of ours).
      if (name === 'originate caller id name' && /^[\p{L}\p{N}_.-]{1,40}$/u.test(p)) continue;
      if (name === 'originate variable value' && /^[\p{L}\p{N}_.@+/-]{0,128}$/u.test(p)) continue;
      const r = await call(p);
      if (r.ok || r.reason !== 'invalid') accepted.push(`${name} ← ${JSON.stringify(p)} (${r.ok ? 'ok' : r.reason})`);
      else {
        refused++;
        if (!/^[\w.[\] -]+: /.test(r.message ?? '')) accepted.push(`${name}: unclear message ${r.message}`);
      }
    }
  }
  t.same(accepted, [], 'every payload refused as invalid with a message naming the field');
  t.ok(refused > entries.length * (PAYLOADS.length - 2), `${refused} refusals`);
  t.equal(esl.text.length, before, 'not one byte reached the socket');

  // The grammar does not refuse what is right: a clean command goes out.
  const good = await gw.hangup(UUID, 'NORMAL_CLEARING');
  t.ok(good.ok, 'a valid hangup is sent');
  t.match(esl.text.slice(before), `api uuid_kill ${UUID} NORMAL_CLEARING\n\n`);
  await gw.stop();
  await store.close();
  await esl.stop();
});

t.test('builders produce the exact FreeSWITCH text', async (t) => {
  const o = cmd.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, uuid: UUID, callerIdNumber: '8000', callerIdName: 'Tunnel_A_km_1.2', timeoutS: 30, variables: { callpoint_alarm_id: 'a-17' } });
  t.equal(o.command, `originate {origination_uuid=${UUID},origination_caller_id_number=8000,origination_caller_id_name=Tunnel_A_km_1.2,originate_timeout=30,callpoint_alarm_id=a-17}user/1001 &park()`);
  t.equal(cmd.originate({ target: { kind: 'gsm', number: '+8613800138000' }, app: { app: 'bridge', target: { kind: 'extension', number: '8000' } }, uuid: UUID }).command, `originate {origination_uuid=${UUID}}sofia/gateway/gsm/+8613800138000 &bridge(user/8000)`);
  t.equal(cmd.originate({ target: { kind: 'extension', number: '8000' }, app: { app: 'eavesdrop', uuid: UUID, mode: 'whisper' }, uuid: UUID }).command, `originate {origination_uuid=${UUID},eavesdrop_whisper_aleg=true}user/8000 &eavesdrop(${UUID})`);
  t.equal(cmd.forceRelease(UUID), `uuid_kill ${UUID} PRE_EMPTED`);
  t.equal(cmd.transfer(UUID, '8000', 'bleg'), `uuid_transfer ${UUID} -bleg 8000 XML callpoint`);
  t.equal(cmd.playTone(UUID, 'barge-warning'), `uuid_broadcast ${UUID} tone_stream://%(200,100,1400);loops=3 both`);
  t.equal(cmd.hold(UUID, false), `uuid_hold off ${UUID}`);
  t.equal(cmd.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, uuid: UUID, callerIdName: '隧道A_1.2公里' }).command, `originate {origination_uuid=${UUID},origination_caller_id_name=隧道A_1.2公里}user/1001 &park()`, 'Chinese caller names are letters');
});
