// A routing decision as the extension FreeSWITCH runs: the trunks in order
// with their failure recorded, the caller ID per trunk, recording, ring
// groups, and each refusal with what the caller hears and the cause (the SIP
// response). Values a caller or a configuration wrote stay inert.
import t from 'tap';
import type { RouteDecision } from '../../daemon/src/contracts/routing.js';
import { REFUSAL_TONE_STREAMS, routeExtensionXml } from '../src/route-extension.js';
import { findAll, findOne, parseXml } from './helpers/xml-parse.js';

const ctx = { destination: '013800138000', recordingsDir: '/var/lib/callpoint/recordings', day: '2026-11-23', soundsDir: '/usr/share/callpoint/sounds' };
const base: RouteDecision = { decision: 'route', rule: 'mobile', class: 'mobile', number: '013800138000', destinations: [], reason: null, treatment: null, record: false, priority: 'normal', skipped: [], preempt: null, trace: [] };
const actions = (xml: string) => findAll(parseXml(`<r>${xml}</r>`), 'action').map((a) => `${a.attrs.application} ${a.attrs.data ?? ''}`.trim());

t.test('trunks in order, each failure noted, congestion when none answers', async (t) => {
  const d: RouteDecision = {
    ...base,
    destinations: [
      { kind: 'trunk', trunk: 'telecom', trunkKind: 'sip', number: '+8613800138000', callerId: '+861088880100' },
      { kind: 'trunk', trunk: 'gsm', trunkKind: 'gsm', number: '13800138000', callerId: null },
    ],
    skipped: [{ trunk: 'fxo', reason: 'full: all 2 channels busy; really' }],
  };
  const xml = routeExtensionXml(d, ctx);
  const cond = findOne(parseXml(xml), 'condition');
  t.equal(cond.attrs.expression, '^013800138000$', 'for this number only');
  t.same(actions(xml), [
    'set callpoint_call=routed',
    'set callpoint_route=mobile',
    'set callpoint_class=mobile',
    'set callpoint_priority=normal',
    'set callpoint_skipped=fxo full: all 2 channels busy, really',
    'set hangup_after_bridge=true',
    'set continue_on_fail=true',
    'set callpoint_trunk=sip',
    'set callpoint_trunk_id=telecom',
    'bridge [origination_caller_id_number=+861088880100,callpoint_trunk_leg=telecom,callpoint_priority=normal]sofia/gateway/telecom/+8613800138000',
    'set callpoint_attempts=${callpoint_attempts}telecom:${originate_disposition};',
    'set callpoint_trunk=gsm',
    'set callpoint_trunk_id=gsm',
    'bridge [callpoint_trunk_leg=gsm,callpoint_priority=normal]sofia/gateway/gsm/13800138000',
    'set callpoint_attempts=${callpoint_attempts}gsm:${originate_disposition};',
    'pre_answer',
    `playback ${REFUSAL_TONE_STREAMS.congestion}`,
    'hangup NORMAL_CIRCUIT_CONGESTION',
  ]);
});

t.test('recording, a sequential ring group, a phone that is busy gives busy back', async (t) => {
  const d: RouteDecision = { ...base, record: true, destinations: [{ kind: 'ring-group', extensions: ['8000', '8001'], strategy: 'sequential', ringS: 20 }] };
  const a = actions(routeExtensionXml(d, { ...ctx, destination: '100' }));
  t.ok(a.includes('set callpoint_recording=/var/lib/callpoint/recordings/2026-11-23/${uuid}.wav'));
  t.ok(a.includes('record_session /var/lib/callpoint/recordings/2026-11-23/${uuid}.wav'));
  t.ok(a.includes('bridge [leg_timeout=20]user/8000|[leg_timeout=20]user/8001'), 'one after the other');
  t.equal(a.at(-1), 'hangup ${originate_disposition}', 'the phones\' own answer (busy, no answer) goes back');
  const sim = actions(routeExtensionXml({ ...d, destinations: [{ kind: 'ring-group', extensions: ['8000', '8001'], strategy: 'simultaneous', ringS: 20 }] }, ctx));
  t.ok(sim.includes('bridge [leg_timeout=20]user/8000,[leg_timeout=20]user/8001'), 'all at once');
});

t.test('a conference, an announcement', async (t) => {
  t.same(actions(routeExtensionXml({ ...base, destinations: [{ kind: 'conference', name: 'ops' }] }, ctx)).slice(-3), ['set continue_on_fail=true', 'answer', 'conference ops@default']);
  t.same(actions(routeExtensionXml({ ...base, destinations: [{ kind: 'announcement', name: 'closed' }] }, ctx)).slice(-3), ['answer', 'playback /usr/share/callpoint/sounds/closed.wav', 'hangup NORMAL_CLEARING']);
});

t.test('refusals: what the caller hears and the cause FreeSWITCH answers with', async (t) => {
  const refuse = (treatment: RouteDecision['treatment']) => actions(routeExtensionXml({ ...base, decision: 'refuse', reason: 'zone east-bore may not call mobile numbers', treatment }, ctx));
  const tone = refuse({ kind: 'tone', tone: 'congestion' });
  t.same(tone.slice(0, 4), ['set callpoint_call=refused', 'set callpoint_route=mobile', 'set callpoint_class=mobile', 'set callpoint_refused=zone east-bore may not call mobile numbers']);
  t.same(tone.slice(-3), ['pre_answer', `playback ${REFUSAL_TONE_STREAMS.congestion}`, 'hangup NORMAL_CIRCUIT_CONGESTION'], 'early media: the caller is not charged');
  t.same(refuse({ kind: 'tone', tone: 'sit' }).at(-1), 'hangup UNALLOCATED_NUMBER', '404');
  t.same(refuse({ kind: 'reject' }).at(-1), 'hangup CALL_REJECTED', '603 at once');
  t.same(refuse({ kind: 'busy' }).slice(-1), ['hangup USER_BUSY'], '486 at once');
  t.same(refuse({ kind: 'announcement', name: 'not-allowed' }).slice(-3), ['pre_answer', 'playback /usr/share/callpoint/sounds/not-allowed.wav', 'hangup CALL_REJECTED']);
});

t.test('hostile text stays text; a destination that is not a number matches everything but changes nothing', async (t) => {
  const d: RouteDecision = { ...base, decision: 'refuse', rule: null, reason: 'bad ${system(rm -rf /)} "<x>" &amp; ]]>\n$${default_password}', treatment: { kind: 'reject' } };
  const xml = routeExtensionXml(d, { ...ctx, destination: '1001"/><action application="system' });
  const root = parseXml(`<r>${xml}</r>`);
  t.equal(findOne(root, 'condition').attrs.expression, '^');
  const refused = findAll(root, 'action').find((a) => a.attrs.data?.startsWith('callpoint_refused='))!;
  t.equal(refused.attrs.data, 'callpoint_refused=bad $(system(rm -rf /)) "<x>" &amp; ]]> $$(default_password)', 'no ${ can form, XML escaped');
  t.equal(findAll(root, 'action').filter((a) => a.attrs.application === 'system').length, 0);
  t.throws(() => routeExtensionXml({ ...base, destinations: [{ kind: 'trunk', trunk: 'gw', trunkKind: 'sip', number: '123|user/1000', callerId: null }] }, ctx), /phone number/, 'a number outside the grammar never reaches a dial string');
  t.throws(() => routeExtensionXml({ ...base, destinations: [{ kind: 'trunk', trunk: 'gw', trunkKind: 'sip', number: '123', callerId: '1,origination_uuid=x' }] }, ctx), /caller-ID/);
});
