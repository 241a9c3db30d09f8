// The gateway through real modesl against the FreeSWITCH emulator: calls and
// their records, the causes of failed calls, an event socket that dies during
// a call, DTMF, recording, monitoring.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import pino from 'pino';
import { EventBus } from '../src/events/bus.js';
import { HealthRegistry } from '../src/health/health.js';
import { FreeswitchGateway } from '../src/pbx/gateway.js';
import { FreeSwitchEmulator } from '../src/sim/freeswitch/index.js';
import { Store } from '../src/store/store.js';

const log = pino({ level: 'silent' });
const PASSWORD = 'per-device-secret-42';
const until = async (cond: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

async function rig(t: Test, phones = [
  { number: '8000', name: 'Dispatch', behaviour: 'answer' as const, answerAfterMs: 100 },
  { number: '1001', name: 'Tunnel_A', behaviour: 'answer' as const, answerAfterMs: 100 },
  { number: '1002', name: 'Tunnel_B', behaviour: 'busy' as const },
  { number: '1003', name: 'Portal', behaviour: 'unregistered' as const },
  { number: '1004', name: 'Niche', behaviour: 'no-answer' as const },
]) {
  const dir = t.testdir();
  const emu = new FreeSwitchEmulator({ password: PASSWORD, port: 0, heartbeatMs: 300, recordingsDir: join(dir, 'rec'), phones });
  const { port } = await emu.start();
  const store = await Store.open(join(dir, 'data'), { site: 's', node: 'n' });
  const health = new HealthRegistry({ version: 'x', site: 's', node: 'n' }, () => undefined);
  const bus = new EventBus(log);
  const gw = new FreeswitchGateway({ host: '127.0.0.1', port, password: PASSWORD, recordingsDir: join(dir, 'recordings'), heartbeatTimeoutMs: 2000 }, { store, health, bus, log });
  await gw.start();
  await until(() => gw.connected && health.snapshot().components.freeswitch.status === 'ok', 3000);
  t.teardown(async () => {
    await gw.stop();
    await store.close();
    await emu.stop();
  });
  return { emu, store, gw, health, bus, dir, port };
}

t.test('originate to a registered phone, answer, hang up: exactly one record and one call message', async (t) => {
  const { emu, store, gw } = await rig(t);
  const r = await gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, callerIdNumber: '8000', callerIdName: 'Dispatch', timeoutS: 10, variables: { callpoint_zone: 'tunnel-a', callpoint_alarm_id: 'A-1' } });
  t.ok(r.ok, `answered (${r.ok ? '' : r.message})`);
  if (!r.ok) return;
  const uuid = r.value.uuid;
  t.ok(await until(() => gw.channels.get(uuid)?.callState === 'ACTIVE', 2000), 'live and active in the table');
  t.same(gw.channels.list().map((c) => c.uuid).sort(), emu.channels().map((c) => c.uuid).sort(), 'the table equals the emulator’s');
  const rec = await gw.recordStart(uuid);
  t.ok(rec.ok, 'recording started');
  await new Promise((r) => setTimeout(r, 600));
  t.ok((await gw.recordStop(uuid)).ok, 'recording stopped');
  await new Promise((r) => setTimeout(r, 1000));
  t.ok((await gw.hangup(uuid, 'NORMAL_CLEARING')).ok, 'hung up');
  t.ok(await until(async () => !!(await store.calls.byUuid(uuid)), 3000), 'the record is written');
  const call = await store.calls.byUuid(uuid);
  t.match(call, { uuid, direction: 'outbound', callerNumber: '8000', callerName: 'Dispatch', calleeNumber: '1001', zone: 'tunnel-a', trunk: 'sip', hangupCause: 'NORMAL_CLEARING', alarmId: 'A-1', recovered: false });
  t.ok(call!.answeredAt && call!.billsecS >= 1 && call!.durationS >= call!.billsecS, `times and durations (${call!.durationS} s, ${call!.billsecS} s talk)`);
  t.ok(Date.parse(call!.createdAt) <= Date.parse(call!.answeredAt!) && Date.parse(call!.answeredAt!) <= Date.parse(call!.endedAt), 'created ≤ answered ≤ ended');
  t.equal(call!.recordingPath, rec.ok ? rec.value.path : null, 'the recording is linked');
  t.ok(rec.ok && statSync(rec.value.path).size > 44, 'and exists as a WAV file');
  t.equal((await store.calls.search({})).length, 1, 'exactly one record');
  const msgs = await store.outbox.peek(10);
  t.equal(msgs.length, 1, 'exactly one outbox message');
  t.match(msgs[0], { type: 'call', orderKey: 'A-1', envelope: { type: 'call', site: 's', node: 'n', data: { uuid } } });
  t.ok(await until(() => gw.channels.size === 0, 2000), 'the live table is empty again');
});

t.test('busy, no answer, not registered: the right causes', async (t) => {
  const { store, gw } = await rig(t);
  const busy = await gw.originate({ target: { kind: 'extension', number: '1002' }, app: { app: 'park' }, timeoutS: 10 });
  t.match(busy, { ok: false, reason: 'rejected', message: 'USER_BUSY' });
  const absent = await gw.originate({ target: { kind: 'extension', number: '1003' }, app: { app: 'park' }, timeoutS: 10 });
  t.match(absent, { ok: false, reason: 'rejected', message: 'USER_NOT_REGISTERED' });
  const silent = await gw.originate({ target: { kind: 'extension', number: '1004' }, app: { app: 'park' }, timeoutS: 1 });
  t.match(silent, { ok: false, reason: 'rejected', message: 'NO_ANSWER' });
  await until(async () => (await store.calls.search({})).length >= 2, 3000);
  const causes = (await store.calls.search({})).map((c) => `${c.calleeNumber} ${c.hangupCause}`).sort();
  t.same(causes, ['1002 USER_BUSY', '1004 NO_ANSWER'], 'records for the calls that rang; none for the phone that is not registered');
});

t.test('the event socket dies during a call that stays up: back within 2 s, table equal, no phantom record', async (t) => {
  const { emu, store, gw, health } = await rig(t);
  const r = await gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, timeoutS: 10 });
  t.ok(r.ok);
  for (const how of ['restart', 'drop'] as const) {
    const t0 = Date.now();
    if (how === 'restart') await emu.restart({ downMs: 300 });
    else emu.dropConnections();
    t.ok(await until(() => !gw.connected || health.snapshot().components.freeswitch.status !== 'ok', 1000) || true);
    t.ok(await until(() => gw.connected && health.snapshot().components.freeswitch.status === 'ok', 2500), `${how}: reconnected`);
    t.ok(Date.now() - t0 < 2000 + (how === 'restart' ? 300 : 0), `${how}: within 2 s of the socket coming back (${Date.now() - t0} ms)`);
    t.same(gw.channels.list().map((c) => c.uuid).sort(), emu.channels().map((c) => c.uuid).sort(), `${how}: the live table equals the emulator’s`);
  }
  t.equal((await store.calls.search({})).length, 0, 'the call is still up: no record yet');
  // A call that ends while the socket is down is closed on resync as recovered.
  emu.dropConnections();
  if (r.ok) await emu.api('uuid_kill', r.value.uuid);
  t.ok(await until(async () => (await store.calls.search({})).length === 1, 3000));
  t.match((await store.calls.search({}))[0], { recovered: true, hangupCause: 'NORMAL_UNSPECIFIED' }, 'FreeSWITCH stayed up: the call ended unseen');
});

t.test('FreeSWITCH crashes: the live table empties, the lost calls are closed', async (t) => {
  const { emu, store, gw } = await rig(t);
  const r = await gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, timeoutS: 10 });
  t.ok(r.ok);
  const crashedAt = Date.now();
  await emu.crash({ downMs: 1500 });
  t.ok(await until(() => gw.connected && gw.channels.size === 0, 3000), 'reconnected with no phantom channel');
  t.ok(await until(async () => (await store.calls.search({})).length === 1, 2000));
  const rec = (await store.calls.search({}))[0];
  t.match(rec, { recovered: true, hangupCause: 'CRASH' }, 'the call died with FreeSWITCH (a new Core-UUID): cause CRASH');
  const ended = Date.parse(rec?.endedAt ?? '');
  t.ok(ended >= crashedAt - 50 && ended < crashedAt + 500, `it ended when FreeSWITCH died, not when we came back 1.5 s later (${ended - crashedAt} ms)`);
});

t.test('DTMF from a phone reaches listeners; monitoring modes reach the emulator', async (t) => {
  const { emu, gw } = await rig(t);
  const r = await gw.originate({ target: { kind: 'extension', number: '1001' }, app: { app: 'park' }, timeoutS: 10 });
  t.ok(r.ok);
  if (!r.ok) return;
  const digits: string[] = [];
  gw.onDtmf((uuid, d) => uuid === r.value.uuid && digits.push(d));
  emu.phone('1001').sendDtmf('5#');
  t.ok(await until(() => digits.join('') === '5#', 2000), `digits received: ${digits.join('')}`);
  for (const mode of ['listen', 'whisper', 'barge'] as const) {
    const m = await gw.monitor(r.value.uuid, '8000', mode, 5);
    t.ok(m.ok, `${mode}: the supervisor's phone joined`);
    // The application starts once the supervisor has answered.
    await until(() => !!(m.ok && emu.channel(m.value.uuid)?.eavesdrop), 1000);
    const snap = m.ok ? emu.channel(m.value.uuid) : undefined;
    t.equal(snap?.eavesdrop?.target, r.value.uuid, `${mode}: on the right call`);
    t.equal(snap?.eavesdrop?.mode, { listen: 'listen', whisper: 'whisper-aleg', barge: 'barge' }[mode], `${mode}: in the right mode`);
    if (m.ok) await gw.hangup(m.value.uuid);
  }
  t.ok((await gw.forceRelease(r.value.uuid)).ok, 'force-release');
  t.ok(await until(() => gw.channels.size === 0, 2000));
});
