// The alarm-path scenarios, run in both worlds: the emulator (make test,
// daemon/test/alarm-scenarios.test.ts) and real FreeSWITCH with sipp phones
// (make test-real, daemon/test/real/alarm-scenarios.real.ts). Each asserts
// what a dispatcher, a technician or central would notice; each leaves the
// world as it found it (no call up, no alarm open, phones registered).
import type { Test } from 'tap';
import { until, type World, type WorldConfig } from './world.js';

const plan = (targets: Array<{ extension: string; ringS: number }>, extra: Record<string, unknown> = {}) => ({ targets, ackDigit: '5', pauseS: 5, ...extra });

/** Desks 200x, intercoms at the points 100x, an office phone and a supervisor 300x. */
export const SCENARIO_CONFIG: WorldConfig = {
  points: [
    // The on-call engineer gets an SMS through the (simulated) GSM modem when it is raised.
    { id: 'km1', input: 'in1', label: 'SOS km 1 east', location: 'Tunnel A, km 1', zone: 'tunnel-a', phone: '1001', escalation: plan([{ extension: '2001', ringS: 10 }], { onBusy: 'release', sms: { to: ['+8613800138000'], language: 'en', on: ['raised'] } }) },
    { id: 'km2', input: 'in2', label: 'SOS km 2 east', location: 'Tunnel A, km 2', zone: 'tunnel-a', phone: '1002', escalation: plan([{ extension: '2002', ringS: 10 }], { onBusy: 'barge' }) },
    { id: 'km3', input: 'in3', label: 'SOS km 3 west', location: 'Tunnel B, km 3', zone: 'tunnel-b', callerNumber: '7003', escalation: plan([{ extension: '2003', ringS: 5 }, { extension: '2004', ringS: 10 }], { onBusy: 'next' }) },
    // Its intercom never answers by itself (a phone without auto-answer): the desk must still hear and acknowledge.
    { id: 'km4', input: 'in4', label: 'SOS km 4 west', location: 'Tunnel B, km 4', zone: 'tunnel-b', phone: '1004', escalation: plan([{ extension: '2001', ringS: 10 }]) },
  ],
  phones: [
    { number: '2001', name: 'Desk A', zone: 'control' },
    { number: '2002', name: 'Desk B', zone: 'control' },
    { number: '2003', name: 'Desk C', zone: 'control' },
    { number: '2004', name: 'Desk D', zone: 'control' },
    { number: '1001', name: 'Intercom km 1', zone: 'tunnel-a' },
    { number: '1002', name: 'Intercom km 2', zone: 'tunnel-a' },
    { number: '1004', name: 'Intercom km 4', zone: 'tunnel-b' },
    { number: '3001', name: 'Office', zone: 'control' },
    { number: '3002', name: 'Supervisor', zone: 'control' },
  ],
  lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }] },
};

const DESKS = ['2001', '2002', '2003', '2004', '3001', '3002'];
const INTERCOMS = ['1001', '1002'];

export interface Scenario {
  name: string;
  run(t: Test, w: World): Promise<void>;
}

/** Every phone registers with its provisioned password (keeping how it answers). */
export async function registerPhones(w: World): Promise<void> {
  for (const n of [...DESKS, ...INTERCOMS, '1004']) {
    const r = await (await w.phone(n)).register();
    if (r !== 'registered') throw new Error(`${n} did not register with its provisioned password: ${r}`);
  }
}

/** Every phone registered, desks answering (no key), intercoms auto-answering. */
export async function preparePhones(w: World): Promise<void> {
  await registerPhones(w);
  for (const n of [...DESKS, ...INTERCOMS, '1004'])
    await (await w.phone(n)).serve(INTERCOMS.includes(n) ? { kind: 'intercom' } : n === '1004' ? { kind: 'ring' } : { kind: 'desk', ringMs: 300 });
}

interface Row {
  uuid: string;
  name: string;
  state: string;
  callstate: string;
  cid_num: string;
  cid_name: string;
  dest: string;
  call_uuid?: string;
  b_uuid?: string;
  b_name?: string;
  application?: string;
  initial_cid_num?: string;
  initial_cid_name?: string;
}

export async function showChannels(w: World): Promise<Row[]> {
  const text = await w.fs.api('show channels as json');
  return ((JSON.parse(text) as { rows?: Row[] }).rows ?? []);
}

export async function showCalls(w: World): Promise<Row[]> {
  return ((JSON.parse(await w.fs.api('show calls as json')) as { rows?: Row[] }).rows ?? []);
}

export const legOf = (rows: Row[], ext: string) => rows.find((r) => r.name.includes(`/${ext}@`));
/** `show calls`: is there a call between these two extensions' legs? */
const inOneCall = (calls: Row[], a: string, b: string) =>
  calls.some((c) => (c.name.includes(`/${a}@`) && (c.b_name ?? '').includes(`/${b}@`)) || (c.name.includes(`/${b}@`) && (c.b_name ?? '').includes(`/${a}@`)));

/** After each scenario: nothing up, nothing open. */
export async function settle(w: World): Promise<void> {
  await w.fs.api('hupall NORMAL_CLEARING');
  for (const a of (await w.daemon.alarms()).open) await w.daemon.clear(String(a.id));
  await until(async () => (await showChannels(w)).length === 0 && (await w.daemon.channels()).channels.length === 0, 10_000, 100);
  for (const n of DESKS) await (await w.phone(n)).serve({ kind: 'desk', ringMs: 300 });
}

export const alarmStates = (w: World, id: string) => [...new Set(w.central.alarm(id).map((m) => m.state))];
export const waitState = (w: World, id: string, state: string, ms: number) =>
  w.central.waitFor((m) => m.type === 'alarm' && m.data.id === id && m.data.state === state, ms, `alarm ${id} ${state}`);

/**
 * Run scenarios one after the other, each followed by settle() whatever its
 * outcome. SCENARIO=regex runs only those whose name matches it; on a failure
 * the daemon's last log lines are printed as a comment.
 */
export async function runScenarios(t: Test, w: World, list: Scenario[]): Promise<void> {
  const only = process.env.SCENARIO;
  for (const s of list) {
    if (only && !new RegExp(only).test(s.name)) continue;
    await t.test(s.name, async (t) => {
      const logFrom = w.daemon.log().length;
      let threw = false;
      try {
        await s.run(t, w);
      } catch (e) {
        threw = true;
        throw e;
      } finally {
        if (threw || !t.passing()) t.comment(w.daemon.log().slice(logFrom).slice(-60).map((l) => `${l.ns ?? ''} ${l.level} ${l.msg} ${JSON.stringify({ ...l, msg: undefined, ns: undefined, level: undefined, time: undefined, pid: undefined, hostname: undefined })}`).join('\n'));
        await settle(w);
        }
    });
  }
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'phones register with their provisioned passwords; a wrong password is refused; an unregistered or expired desk is a fault at central until it registers again',
    async run(t, w) {
      const contact = async (n: string) => (await w.fs.api(`sofia_contact ${n}`)).trim();
      t.match(await contact('2001'), /^sofia\/internal\/sip:2001@/, 'a desk registered with the password provisioning generated');
      const office = await w.phone('3001');
      t.equal(await office.register({ password: 'not-its-password' }), 'refused', 'a wrong password is refused (403)');
      t.match(await contact('3001'), /sip:3001@/, 'the earlier registration stands');
      const d1 = await w.phone('2001');
      const d4 = await w.phone('2004');
      t.ok(await d1.unregister(), 'desk 2001 unregisters');
      t.equal(await d4.register({ expiresS: 3 }), 'registered', 'desk 2004 registers for 3 s only');
      t.equal(await contact('2001'), 'error/user_not_registered', 'FreeSWITCH no longer knows 2001');
      // FreeSWITCH looks for expired registrations every 30 s (sofia_reg.c).
      t.ok(await until(async () => (await contact('2004')) === 'error/user_not_registered', 45_000, 250), '2004’s registration expired');
      const raised = (ext: string) => w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === `phone:unregistered:${ext}` && m.data.state === 'raised', 45_000, `fault for ${ext}`);
      await Promise.all([raised('2001'), raised('2004')]);
      t.pass('central has a fault for each dispatch desk that is gone');
      t.equal(await d1.register(), 'registered');
      t.equal(await d4.register(), 'registered');
      const cleared = (ext: string) => w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === `phone:unregistered:${ext}` && m.data.state === 'cleared', 45_000, `fault cleared for ${ext}`);
      await Promise.all([cleared('2001'), cleared('2004')]);
      t.pass('and the faults clear when they register again');
    },
  },
  {
    name: 'a call point pressed: the desk rings, answers, the intercom is connected, the key 5 (RFC 2833) acknowledges',
    async run(t, w) {
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 500, ack: true, ackAfterMs: 1500 });
      const id = await w.daemon.press('in1');
      await waitState(w, id, 'connected', 15_000);
      // While connected: the desk's leg and the intercom's are bridged, and both carry the alarm.
      t.ok(await until(async () => inOneCall(await showCalls(w), '1001', '2001'), 5000), 'FreeSWITCH shows the desk and the intercom at the point in one call');
      const rows = await showChannels(w);
      // initial_cid_*: what the desk phone was called with (cid_* flips to the callee on answer).
      const desk = legOf(rows, '2001');
      t.equal(desk?.initial_cid_name, 'SOS_km_1_east', 'the desk sees the point’s name as caller');
      t.equal(desk?.initial_cid_num, '1001', 'and its intercom number as caller number (not 0000000000)');
      const ack = await waitState(w, id, 'acknowledged', 15_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2001', ackSource: 'dtmf' }, 'acknowledged by the desk’s key');
      t.same(alarmStates(w, id), ['raised', 'calling', 'connected', 'acknowledged'], 'central saw every state in order');
    },
  },
  {
    name: 'the desk busy with another call: 强拆 releases it, the desk is called again and acknowledges',
    async run(t, w) {
      const office = await w.phone('3001');
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 1500 });
      await office.dial('2001');
      t.ok(await until(async () => legOf(await showChannels(w), '2001')?.callstate === 'ACTIVE', 10_000), 'the office is talking to the desk');
      // The office call's own ack would be on the wrong call: make the desk press its key on the alarm call only.
      const id = await w.daemon.press('in1');
      const ack = await waitState(w, id, 'acknowledged', 30_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2001' }, 'the desk acknowledged the alarm call');
      const cdr = (await w.fs.cdrs()).find((c) => c.destination === '2001' && c.callerNumber === '3001' && c.direction === 'inbound');
      t.equal(cdr?.hangupCause, 'PRE_EMPTED', 'the office call was released with PRE_EMPTED (FreeSWITCH’s own record)');
    },
  },
  {
    name: 'the desk busy with another call: 强插 barges in (warning tone, the intercom joins) and the desk’s own key acknowledges',
    async run(t, w) {
      const office = await w.phone('3001');
      // The desk presses 5 four seconds into its call with the office: after the barge joined it.
      await (await w.phone('2002')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 4000 });
      await office.dial('2002');
      t.ok(await until(async () => legOf(await showChannels(w), '2002')?.callstate === 'ACTIVE', 10_000), 'the office is talking to desk 2002');
      const id = await w.daemon.press('in2');
      t.ok(await until(async () => !!legOf(await showChannels(w), '1002'), 5000), 'the intercom of km 2 is called into the busy call');
      const ack = await waitState(w, id, 'acknowledged', 20_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2002', ackSource: 'dtmf' }, 'acknowledged by the desk, on the desk’s leg');
    },
  },
  {
    name: 'no answer at the first desk: the next target is called and acknowledges; central sees the failed attempt',
    async run(t, w) {
      await (await w.phone('2003')).serve({ kind: 'ring' });
      await (await w.phone('2004')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 1000 });
      const id = await w.daemon.press('in3');
      const ack = await waitState(w, id, 'acknowledged', 30_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2004', target: 'extension 2004' }, 'the second desk acknowledged');
      const c2003 = (await w.fs.cdrs()).find((c) => c.destination === '2003' && c.alarmId === id);
      t.equal(c2003?.hangupCause, 'NO_ANSWER', 'the first desk rang out (FreeSWITCH’s record)');
      const rang = ((c2003?.endUs ?? 0) - (c2003?.startUs ?? 0)) / 1e6;
      // FreeSWITCH counts originate_timeout from the originate, a little before the leg's own start.
      t.ok(rang >= 4 && rang < 7, `after its ring time (5 s): ${rang.toFixed(2)} s`);
      const desk = legOf(await showChannels(w), '2004');
      t.match(desk, { initial_cid_num: '7003', initial_cid_name: 'SOS_km_3_west' }, 'the desk was called with the point’s configured number and its name');
    },
  },
  {
    name: 'the desk can acknowledge within 1 s of answering while the intercom at the point still rings, and hears a tone at once',
    async run(t, w) {
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 300 });
      const ev = await w.fs.events();
      try {
        const id = await w.daemon.press('in4');
        const ack = await waitState(w, id, 'acknowledged', 20_000);
        const deskAnswer = ev.events().find((e) => e.headers['Event-Name'] === 'CHANNEL_ANSWER' && (e.headers['Channel-Name'] ?? '').includes('/2001@'));
        const answeredMs = Number(deskAnswer?.headers['Caller-Channel-Answered-Time'] ?? 0) / 1000;
        const ackMs = Date.parse(String(ack.data.acknowledgedAt));
        t.ok(answeredMs > 0 && ackMs - answeredMs <= 1000, `acknowledged ${Math.round(ackMs - answeredMs)} ms after the desk answered (≤ 1000)`);
        t.notOk(ev.events().some((e) => e.headers['Event-Name'] === 'CHANNEL_ANSWER' && (e.headers['Channel-Name'] ?? '').includes('/1004@')), 'the intercom had not answered');
        const deskUuid = deskAnswer?.headers['Unique-ID'];
        const heard = ev.events().find((e) => /PLAYBACK_START|CHANNEL_EXECUTE/.test(e.headers['Event-Name'] ?? '') && e.headers['Unique-ID'] === deskUuid && /tone_stream|playback/.test(`${e.headers['Application'] ?? ''} ${e.headers['Playback-File-Path'] ?? ''} ${e.headers['Application-Data'] ?? ''}`));
        t.ok(heard, 'a tone was played to the desk while it waited');
      } finally {
        ev.close();
      }
    },
  },
  {
    name: 'the SOS phone’s hotline (callpoint-alarm-<point>) raises the alarm; the daemon answers it, rings the desk and connects them',
    async run(t, w) {
      const desk = await w.phone('2001');
      await desk.serve({ kind: 'desk', ringMs: 300 });
      const sos = await w.phone('1001');
      const before = w.central.messages.length;
      await sos.dial('callpoint-alarm-km1');
      const raised = await w.central.waitFor((m, i = w.central.messages.indexOf(m)) => i >= before && m.type === 'alarm' && m.data.state === 'raised' && (m.data.point as { id?: string }).id === 'km1', 10_000, 'an alarm of km1');
      const id = String(raised.data.id);
      t.pass(`the hotline call raised ${id}`);
      await waitState(w, id, 'connected', 15_000);
      t.ok(await until(async () => inOneCall(await showCalls(w), '1001', '2001'), 5000), 'the SOS phone talks to the desk');
      t.match(legOf(await showChannels(w), '1001'), { callstate: 'ACTIVE' }, 'its call was answered');
      // The dispatcher hangs up without acknowledging: the caller stays on the line and the desk is called again.
      await desk.serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 1000 });
      await w.fs.api(`uuid_kill ${legOf(await showChannels(w), '2001')?.uuid ?? ''}`);
      await new Promise((r) => setTimeout(r, 1000));
      t.ok(legOf(await showChannels(w), '1001'), 'the SOS caller is still on the line after the desk hung up');
      const ack = await waitState(w, id, 'acknowledged', 20_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2001' }, 'the desk, called again, acknowledged');
      t.ok(await until(async () => inOneCall(await showCalls(w), '1001', '2001'), 5000), 'and talks to the SOS caller again');
    },
  },
  {
    name: 'live channels carry the alarm id and zone, with the states FreeSWITCH reports',
    async run(t, w) {
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300 });
      const id = await w.daemon.press('in1');
      await waitState(w, id, 'connected', 15_000);
      let live: Array<Record<string, unknown>> = [];
      let rows: Row[] = [];
      const same = await until(async () => {
        live = (await w.daemon.channels()).channels;
        rows = await showChannels(w);
        // Both legs (the desk's and the point's intercom, which is bridged to it a moment after the desk answers).
        const both = ['2001', '1001'].every((ext) => rows.some((r) => String(r.name).includes(`/${ext}@`)));
        return both && rows.every((r) => live.some((l) => l.uuid === r.uuid && l.state === r.state && l.callState === r.callstate)) && live.length === rows.length;
      }, 10_000);
      t.ok(same, `the live table equals show channels (${JSON.stringify(rows.map((r) => [r.name, r.state, r.callstate]))} vs ${JSON.stringify(live.map((l) => [l.name, l.state, l.callState]))})`);
      for (const ext of ['2001', '1001']) {
        const l = live.find((x) => String(x.name).includes(`/${ext}@`));
        t.match(l, { alarmId: id, zone: 'tunnel-a' }, `${ext}’s leg carries the alarm and its zone (${JSON.stringify(live.map((x) => [x.name, x.alarmId, x.zone]))})`);
      }
    },
  },
  {
    name: 'eavesdrop and conference: a supervisor listens to a call and joins a conference, FreeSWITCH agrees',
    async run(t, w) {
      const office = await w.phone('3001');
      await office.dial('2001');
      let call: Row | undefined;
      t.ok(await until(async () => !!(call = legOf(await showChannels(w), '2001')), 10_000), 'a call between the office and the desk');
      const gw = await w.gateway();
      try {
        const listen = await gw.monitor(call!.uuid, '3002', 'listen', 10);
        t.ok(listen.ok, `the supervisor 3002 is called to listen (${listen.ok ? '' : listen.message})`);
        t.ok(await until(async () => (await showChannels(w)).some((r) => r.name.includes('/3002@') && r.application === 'eavesdrop'), 5000), 'FreeSWITCH runs eavesdrop on the supervisor’s leg');
        await w.fs.api('hupall NORMAL_CLEARING');
        await until(async () => (await showChannels(w)).length === 0, 5000);
        const a = await gw.conferenceJoin('cp-scenario', { kind: 'extension', number: '2001' }, 10);
        const b = await gw.conferenceJoin('cp-scenario', { kind: 'extension', number: '3002' }, 10);
        t.ok(a.ok && b.ok, 'two phones brought into a conference');
        const list = await gw.conferenceList('cp-scenario');
        t.ok(list.ok && list.value.trim().split('\n').length === 2, `conference list shows both (${list.ok ? list.value.trim() : list.message})`);
      } finally {
        await gw.close();
      }
    },
  },
  {
    name: 'every call record equals FreeSWITCH’s own CDR: parties, cause, start, answer, end (to the millisecond), duration',
    async run(t, w) {
      // The calls of the scenarios before, as the daemon recorded them and as FreeSWITCH did.
      await until(async () => (await w.daemon.calls()).length > 0, 5000);
      const ours = await w.daemon.calls();
      const theirs = new Map((await w.fs.cdrs()).map((c) => [c.uuid, c]));
      t.ok(ours.length >= 8, `${ours.length} call records to compare`);
      const ms = (us: number) => (us ? new Date(Math.floor(us / 1000)).toISOString() : null);
      let compared = 0;
      for (const r of ours) {
        if (r.recovered) continue;
        const c = theirs.get(String(r.uuid));
        if (!c) {
          t.fail(`FreeSWITCH has no CDR for our record ${r.uuid} (${r.callerNumber} → ${r.calleeNumber})`);
          continue;
        }
        compared++;
        t.same(
          { caller: r.callerNumber, callee: r.calleeNumber, cause: r.hangupCause, created: r.createdAt, answered: r.answeredAt, ended: r.endedAt, duration: r.durationS, billsec: r.billsecS, alarm: r.alarmId },
          { caller: c.callerNumber, callee: c.destination, cause: c.hangupCause, created: ms(c.startUs), answered: ms(c.answerUs), ended: ms(c.endUs), duration: c.durationS, billsec: c.billsecS, alarm: c.alarmId },
          `${r.uuid} (${r.callerNumber} → ${r.calleeNumber})`,
        );
      }
      t.ok(compared >= 8, `${compared} records compared`);
    },
  },
];
