// The FreeSWITCH emulator: wire robustness, phones, calls, features, and the
// test/demo controls. Conformance with real captures: sim-freeswitch-conformance.test.ts.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameParser, eventFromFrame, type Frame } from '../src/pbx/esl/frame-parser.js';
import { FreeSwitchEmulator, type FreeSwitchEmulatorOptions } from '../src/sim/freeswitch/index.js';
import { authed, RawClient, sleep } from '../src/sim/freeswitch/raw-client.js';

const PHONES: FreeSwitchEmulatorOptions['phones'] = [
  { number: '8000', name: 'Dispatch', behaviour: 'answer', answerAfterMs: 50 },
  { number: '1001', name: 'Tunnel A', behaviour: 'answer', answerAfterMs: 50 },
  { number: '1002', name: 'Tunnel B', behaviour: 'busy' },
  { number: '1003', behaviour: 'no-answer' },
  { number: '1004', behaviour: 'unregistered' },
];

async function setup(t: Test, extra: Partial<FreeSwitchEmulatorOptions> = {}): Promise<{ emu: FreeSwitchEmulator; port: number; c: RawClient }> {
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, phones: PHONES, ...extra });
  const { port } = await emu.start();
  const c = await authed(port, 'ClueCon', 'event plain ALL');
  t.teardown(async () => {
    c.close();
    await emu.stop();
  });
  return { emu, port, c };
}

const names = (c: RawClient, uuid?: string): string[] =>
  c.events().filter((e) => !uuid || e.headers['Unique-ID'] === uuid).map((e) => e.headers['Event-Name'] ?? '');
const okUuid = (f: Frame): string => /^\+OK (\S+)/.exec(f.body)?.[1] ?? '';

t.test('frames split at every byte boundary still parse, Content-Length counts bytes', async (t) => {
  const { c } = await setup(t);
  const f = await c.cmd('api originate {origination_caller_id_name=Zürich Tunnel ✆,origination_caller_id_number=8000}user/1001 &park');
  const uuid = okUuid(f);
  t.ok(uuid, 'answered');
  await c.cmd(`api uuid_kill ${uuid}`);
  await c.until((x) => names(x, uuid).includes('CHANNEL_DESTROY'));
  const whole = Buffer.concat(c.raw);
  const one: Frame[] = [];
  const p = new FrameParser((fr) => one.push(fr), (m) => t.fail(m));
  for (let i = 0; i < whole.length; i++) p.push(whole.subarray(i, i + 1));
  t.equal(one.length, c.frames.length, `${one.length} frames, byte by byte`);
  t.same(one.map((x) => x.body), c.frames.map((x) => x.body), 'same bodies');
  const ans = one.map(eventFromFrame).find((e) => e?.headers['Event-Name'] === 'CHANNEL_ANSWER');
  t.equal(ans?.headers['Caller-Caller-ID-Name'], 'Zürich Tunnel ✆', 'non-ASCII header survives URL-encoding');
  t.match(whole.toString('utf8'), /Caller-Caller-ID-Name: Z%C3%BCrich%20Tunnel%20%E2%9C%86\n/, 'encoded per UTF-8 byte, upper-case hex');
});

t.test('phone behaviours', async (t) => {
  const { emu, c } = await setup(t);
  t.match((await c.cmd('api originate user/1001 &park')).body, /^\+OK [0-9a-f-]{36}\n$/, 'answer');
  t.equal((await c.cmd('api originate user/1002 &park')).body, '-ERR USER_BUSY\n', 'busy');
  t.equal((await c.cmd('api originate {originate_timeout=1}user/1003 &park')).body, '-ERR NO_ANSWER\n', 'no-answer honours originate_timeout');
  t.equal((await c.cmd('api originate user/1004 &park')).body, '-ERR USER_NOT_REGISTERED\n', 'unregistered');
  t.equal((await c.cmd('api originate user/9999 &park')).body, '-ERR SUBSCRIBER_ABSENT\n', 'unknown user');
  t.equal((await c.cmd('api originate bogus/1 &park')).body, '-ERR NO_ROUTE_DESTINATION\n', 'unknown endpoint');
  emu.phone('1002').setBehaviour('answer');
  t.match((await c.cmd('api originate user/1002 &park')).body, /^\+OK /, 'setBehaviour(answer)');
  emu.phone('1001').unregister();
  t.equal((await c.cmd('api originate user/1001 &park')).body, '-ERR USER_NOT_REGISTERED\n', 'unregister()');
  emu.phone('1001').register();
  // Manual answer: a phone that does not answer by itself, answered from the test.
  const pending = c.cmd('api originate {origination_uuid=manual-1}user/1003 &park');
  await c.until((x) => x.events().some((e) => e.headers['Unique-ID'] === 'manual-1' && e.headers['Event-Name'] === 'CHANNEL_PROGRESS'));
  t.equal(emu.channel('manual-1')?.callState, 'RINGING', 'ringing');
  t.ok(emu.phone('1003').answer(), 'answer() now');
  t.equal((await pending).body, '+OK manual-1\n');
  t.equal(emu.channel('manual-1')?.answered, true);
  t.ok(emu.phone('1003').hangup('NORMAL_CLEARING'), 'the phone hangs up');
  await c.until((x) => names(x, 'manual-1').includes('CHANNEL_DESTROY'));
  t.equal(emu.channel('manual-1'), undefined, 'gone');
  // gateway
  t.match((await c.cmd('api originate sofia/gateway/carrier/0612345678 &park')).body, /^\+OK /, 'gateway call answers');
  t.ok(emu.channels().some((ch) => ch.name === 'sofia/gateway/carrier/0612345678' && ch.answered));
});

t.test('a phone dials: to another phone it is bridged, elsewhere parked', async (t) => {
  const { emu, c } = await setup(t);
  const a = emu.phone('1001').dial('8000');
  await c.until((x) => x.events().some((e) => e.headers['Event-Name'] === 'CHANNEL_BRIDGE'), 3000, 'bridge');
  const ch = emu.channel(a);
  t.equal(ch?.direction, 'inbound');
  t.equal(ch?.callerNumber, '1001');
  t.equal(ch?.destination, '8000');
  const b = ch?.bridgedTo ?? '';
  t.equal(emu.channel(b)?.phone, '8000', 'bridged to the dispatch desk leg');
  t.equal(emu.channel(b)?.bridgedTo, a);
  emu.phone('8000').hangup();
  await c.until((x) => names(x, a).includes('CHANNEL_DESTROY'), 3000, 'both legs end');
  t.same(emu.channels(), []);
  const p = emu.phone('1001').dial('112');
  t.equal(emu.channel(p)?.state, 'CS_EXECUTE');
  t.equal(emu.channel(p)?.answered, true, 'answered and parked for the daemon');
  await c.until((x) => names(x, p).includes('CHANNEL_PARK'), 2000, 'park event');
});

t.test('DTMF both ways', async (t) => {
  const { emu, c } = await setup(t);
  const uuid = okUuid(await c.cmd('api originate user/1001 &park'));
  t.ok(emu.phone('1001').sendDtmf('42'));
  await c.until((x) => x.events().filter((e) => e.headers['Event-Name'] === 'DTMF').length === 2);
  const d = c.events().filter((e) => e.headers['Event-Name'] === 'DTMF');
  t.same(d.map((e) => [e.headers['Unique-ID'], e.headers['DTMF-Digit']]), [[uuid, '4'], [uuid, '2']], 'DTMF events on the phone leg');
  t.equal((await c.cmd(`api uuid_send_dtmf ${uuid} 1#`)).body, '+OK Success\n');
  t.same(emu.phone('1001').receivedDtmf, ['1', '#'], 'the phone received the digits');
  t.equal((await c.cmd('api uuid_send_dtmf nope 1')).body, '-ERR No such channel!\n');
});

t.test('uuid_record writes a valid WAV', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-fs-rec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { c } = await setup(t, { recordingsDir: dir });
  const uuid = okUuid(await c.cmd('api originate user/1001 &park'));
  t.equal((await c.cmd(`api uuid_record ${uuid} start calls/one.wav`)).body, '+OK Success\n');
  await sleep(100);
  t.equal((await c.cmd(`api uuid_record ${uuid} stop calls/one.wav`)).body, '+OK Success\n');
  const path = join(dir, 'calls', 'one.wav');
  const wav = readFileSync(path);
  t.equal(wav.toString('ascii', 0, 4), 'RIFF');
  t.equal(wav.readUInt32LE(4), wav.length - 8, 'RIFF size');
  t.equal(wav.toString('ascii', 8, 16), 'WAVEfmt ');
  t.equal(wav.readUInt16LE(20), 1, 'PCM');
  t.equal(wav.readUInt16LE(22), 1, 'mono');
  t.equal(wav.readUInt32LE(24), 8000, '8 kHz');
  t.equal(wav.readUInt16LE(34), 16, '16 bit');
  t.equal(wav.toString('ascii', 36, 40), 'data');
  t.equal(wav.readUInt32LE(40), wav.length - 44, 'data size');
  t.ok(wav.readUInt32LE(40) >= 8000, 'at least 0.5 s');
  const stop = c.events().find((e) => e.headers['Event-Name'] === 'RECORD_STOP');
  t.equal(stop?.headers['Record-File-Path'], path);
  t.equal(stop?.headers['variable_record_file_size'], String(wav.length));
  t.same(names(c, uuid).filter((n) => /RECORD|MEDIA_BUG/.test(n)), ['RECORD_START', 'MEDIA_BUG_START', 'RECORD_STOP', 'MEDIA_BUG_STOP']);
  // A recording still running at hangup is stopped and written.
  await c.cmd(`api uuid_record ${uuid} start ${join(dir, 'two.wav')}`);
  await c.cmd(`api uuid_kill ${uuid}`);
  t.equal(readFileSync(join(dir, 'two.wav')).toString('ascii', 0, 4), 'RIFF', 'written at hangup');
  t.equal((await c.cmd(`api uuid_record ${uuid} stop x.wav`)).body, '-ERR No such channel!\n');
});

t.test('conference join, list, mute, kick, hup', async (t) => {
  const { emu, c } = await setup(t);
  await c.cmd('event plain CUSTOM conference::maintenance');
  const a = okUuid(await c.cmd('api originate {origination_uuid=conf-a}user/1001 &conference(tunnel)'));
  const b = okUuid(await c.cmd('api originate {origination_uuid=conf-b}user/8000 &conference(tunnel)'));
  await c.until((x) => x.events().filter((e) => e.headers['Action'] === 'add-member').length === 2);
  const list = (await c.cmd('api conference tunnel list')).body;
  // As conference-plain.raw shows: newest member first, the caller id flipped to the called phone, the floor holder marked.
  t.match(list, /^2;sofia\/internal\/8000@[^;]+;conf-b;Outbound Call;8000;hear\|speak;0;0;100\n1;sofia\/internal\/1001@[^;]+;conf-a;Outbound Call;1001;hear\|speak\|floor;0;0;100\n$/);
  t.equal(emu.channel(a)?.conference?.memberId, 1);
  t.equal((await c.cmd('api conference tunnel mute 2')).body, '+OK mute 2\n');
  t.equal(emu.channel(b)?.conference?.muted, true);
  t.match((await c.cmd('api conference tunnel list')).body, /conf-b;Outbound Call;8000;hear;/, 'muted member cannot speak');
  t.equal((await c.cmd('api conference tunnel unmute 2')).body, '+OK unmute 2\n');
  t.equal((await c.cmd('api conference tunnel kick 1')).body, '+OK kicked 1\n');
  await sleep(20);
  t.equal(emu.channel(a), undefined, 'kicked member hung up');
  t.equal((await c.cmd('api conference tunnel hup 2')).body, '+OK hup 2\n');
  await sleep(20);
  t.equal((await c.cmd('api conference tunnel list')).body, '-ERR Conference tunnel not found\n', 'empty conference is gone');
  const custom = c.events().filter((e) => e.headers['Event-Name'] === 'CUSTOM');
  t.ok(custom.every((e) => e.headers['Event-Subclass'] === 'conference::maintenance'));
  t.same(custom.map((e) => e.headers['Action']), [
    'conference-create', 'add-member', 'floor-change', 'add-member', 'mute-member', 'unmute-member', 'kick-member',
    // The kicked member held the floor: it passes to the other one.
    'floor-change', 'del-member', 'floor-change', 'del-member', 'conference-destroy',
  ]);
});

t.test('eavesdrop: listen, whisper, barge are visible', async (t) => {
  const { emu, c } = await setup(t);
  const call = okUuid(await c.cmd('api originate {origination_uuid=call-1}user/1001 &park'));
  const spy = async (vars: string, app = 'eavesdrop'): Promise<string> =>
    okUuid(await c.cmd(`api originate {${vars}origination_caller_id_number=8000}user/8000 &${app}(${call})`));
  await sleep(20);
  const listen = await spy('');
  const wa = await spy('eavesdrop_whisper_aleg=true,');
  const wb = await spy('eavesdrop_whisper_bleg=true,');
  const barge = await spy('', 'three_way');
  await sleep(20);
  const modes = Object.fromEntries(emu.channels().filter((x) => x.eavesdrop).map((x) => [x.uuid, x.eavesdrop]));
  t.same(modes, {
    [listen]: { target: call, mode: 'listen' }, [wa]: { target: call, mode: 'whisper-aleg' },
    [wb]: { target: call, mode: 'whisper-bleg' }, [barge]: { target: call, mode: 'barge' },
  });
  t.equal(c.events().filter((e) => e.headers['Event-Name'] === 'MEDIA_BUG_START' && e.headers['Media-Bug-Function'] === 'eavesdrop' && e.headers['Unique-ID'] === call).length, 4, 'a media bug on the target per eavesdropper');
  // DTMF on the eavesdropper switches mode, as FreeSWITCH's eavesdrop does (3 = three-way).
  await c.cmd(`api uuid_send_dtmf ${call} 1`); // unrelated: goes to the phone
  emu.phone('8000').sendDtmf('3');
  t.ok(emu.channels().some((x) => x.eavesdrop?.mode === 'barge' && x.uuid !== barge), 'DTMF 3 → barge');
  await c.cmd(`api uuid_kill ${call}`);
  await sleep(50);
  t.same(emu.channels(), [], 'eavesdroppers leave when the target hangs up');
});

t.test('bridge, hold, transfer, broadcast, dump, exists, hupall, sendmsg', async (t) => {
  const { emu, c } = await setup(t);
  const a = okUuid(await c.cmd('api originate {origination_uuid=br-a}user/1001 &park'));
  const b = okUuid(await c.cmd('api originate {origination_uuid=br-b}user/8000 &park'));
  await sleep(10);
  t.equal((await c.cmd(`api uuid_bridge ${a} ${b}`)).body, `+OK ${b}\n`);
  t.equal(emu.channel(a)?.bridgedTo, b);
  t.equal((await c.cmd(`api uuid_hold ${a}`)).body, '+OK Success\n');
  t.equal(emu.channel(a)?.callState, 'HELD');
  t.equal((await c.cmd(`api uuid_hold toggle ${a}`)).body, '+OK Success\n');
  t.equal(emu.channel(a)?.callState, 'ACTIVE');
  t.equal((await c.cmd(`api uuid_broadcast ${a} tone_stream://%(500,0,800) both`)).body, '+OK Message sent\n');
  t.equal(c.events().filter((e) => e.headers['Event-Name'] === 'PLAYBACK_START').length, 2, 'both legs play');
  t.equal((await c.cmd(`api uuid_exists ${a}`)).body, 'true');
  t.equal((await c.cmd('api uuid_exists nope')).body, 'false');
  t.match((await c.cmd(`api uuid_dump ${a}`)).body, /^Event-Name: CHANNEL_DATA\nChannel-State: CS_EXCHANGE_MEDIA\n/);
  t.equal((JSON.parse((await c.cmd(`api uuid_dump ${a} json`)).body) as Record<string, string>)['Unique-ID'], a);
  t.equal((await c.cmd(`api uuid_transfer ${a} -both 9000`)).body, '+OK\n');
  t.equal(emu.channel(a)?.destination, '9000');
  t.equal(emu.channel(b)?.destination, '9000');
  t.equal(emu.channel(a)?.bridgedTo, undefined, 'unbridged and parked');
  // sendmsg execute / hangup
  t.equal((await c.cmd(`sendmsg ${a}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: /tmp/x.wav`)).headers.get('Reply-Text'), '+OK');
  await sleep(20);
  t.ok(c.events().some((e) => e.headers['Event-Name'] === 'PLAYBACK_START' && e.headers['Playback-File-Path'] === '/tmp/x.wav'));
  t.equal((await c.cmd(`sendmsg ${a}\ncall-command: hangup\nhangup-cause: CALL_REJECTED`)).headers.get('Reply-Text'), '+OK');
  t.equal(c.events().find((e) => e.headers['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e.headers['Unique-ID'] === a)?.headers['Hangup-Cause'], 'CALL_REJECTED');
  t.equal((await c.cmd('sendmsg nope\ncall-command: hangup')).headers.get('Reply-Text'), '-ERR invalid session id [nope]');
  await c.cmd('api originate user/1001 &park');
  t.equal((await c.cmd('api hupall NORMAL_CLEARING')).body, '+OK hangup all channels with cause NORMAL_CLEARING\n');
  t.same(emu.channels(), []);
});

t.test('dropConnections and restart keep calls; crash loses them silently', async (t) => {
  const { emu, port, c } = await setup(t);
  const uuid = okUuid(await c.cmd('api originate user/1001 &park'));
  emu.dropConnections();
  await c.until((x) => x.closed, 2000, 'dropped');
  t.equal(emu.channel(uuid)?.answered, true, 'call survives dropConnections');
  await emu.restart();
  t.equal(emu.port, port, 'same port after restart');
  const c2 = await authed(port, 'ClueCon', 'event plain ALL');
  t.teardown(() => c2.close());
  t.equal(emu.channel(uuid)?.answered, true, 'call survives restart');
  const shown = JSON.parse((await c2.cmd('api show channels as json')).body) as { row_count: number };
  t.equal(shown.row_count, 1);
  const core = emu.coreUuid;
  const n = c2.events().length;
  await emu.crash();
  await c2.until((x) => x.closed, 2000, 'crash closes sockets');
  t.equal(c2.events().length, n, 'no events about the vanished calls');
  t.same(emu.channels(), [], 'crash loses every call');
  t.not(emu.coreUuid, core, 'a new Core-UUID after the crash');
  const c3 = await authed(port);
  t.teardown(() => c3.close());
  t.equal((await c3.cmd('api show channels as json')).body, '{"row_count": 0}\n');
});

t.test('subscriptions: event names, nixevent, noevents, filter, myevents, json', async (t) => {
  const { emu, port } = await setup(t);
  const only = await authed(port, 'ClueCon', 'event plain CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE');
  const nix = await authed(port, 'ClueCon', 'event plain ALL');
  t.equal((await nix.cmd('nixevent CHANNEL_STATE CHANNEL_CALLSTATE')).headers.get('Reply-Text'), '+OK events nixed');
  const filt = await authed(port, 'ClueCon', 'event json ALL');
  t.equal((await filt.cmd('filter Caller-Destination-Number 8000')).headers.get('Reply-Text'), '+OK filter added. [Caller-Destination-Number]=[8000]');
  const mine = await authed(port);
  t.equal((await mine.cmd('myevents mine-1')).headers.get('Reply-Text'), '+OK Events Enabled');
  const none = await authed(port, 'ClueCon', 'event plain ALL');
  t.equal((await none.cmd('noevents')).headers.get('Reply-Text'), '+OK no longer listening for events');
  t.teardown(() => [only, nix, filt, mine, none].forEach((x) => x.close()));
  const ctl = await authed(port);
  t.teardown(() => ctl.close());
  await ctl.cmd('api originate {origination_uuid=mine-1}user/1001 &park');
  await ctl.cmd('api originate {origination_uuid=other-1}user/8000 &park');
  await ctl.cmd('api uuid_kill mine-1');
  await ctl.cmd('api uuid_kill other-1');
  await sleep(50);
  t.same([...new Set(names(only))].sort(), ['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE']);
  t.ok(names(nix).includes('CHANNEL_ANSWER') && !names(nix).some((n) => n === 'CHANNEL_STATE' || n === 'CHANNEL_CALLSTATE'), 'nixed names gone');
  t.ok(filt.frames.some((f) => f.headers.get('Content-Type') === 'text/event-json'), 'json frames');
  t.same([...new Set(filt.events().map((e) => e.headers['Unique-ID']))], ['other-1'], 'filter lets only 8000 through');
  t.ok(mine.events().length > 5 && mine.events().every((e) => e.headers['Unique-ID'] === 'mine-1'), 'myevents: only that call');
  t.same(names(none), [], 'noevents');
  t.equal((await filt.cmd('filter delete Caller-Destination-Number 8000')).headers.get('Reply-Text'), '+OK filter deleted. [Caller-Destination-Number]=[8000]');
  void emu;
});

t.test('protocol odds and ends: heartbeat, pre-auth, unknown, bgapi Job-UUID, exit, command log', async (t) => {
  const { emu, port } = await setup(t, { heartbeatMs: 100, hostname: 'sim-fs' });
  const seen: string[] = [];
  emu.on('command', (x) => seen.push(x));
  const c = await authed(port, 'ClueCon', 'event plain HEARTBEAT BACKGROUND_JOB');
  t.teardown(() => c.close());
  await c.until((x) => x.events().some((e) => e.headers['Event-Name'] === 'HEARTBEAT'), 2000, 'heartbeat');
  const hb = c.events().find((e) => e.headers['Event-Name'] === 'HEARTBEAT')?.headers ?? {};
  t.equal(hb['Event-Info'], 'System Ready');
  t.equal(hb['FreeSWITCH-Hostname'], 'sim-fs');
  t.equal(hb['FreeSWITCH-Version'], '1.10.12-release~64bit');
  t.match(hb['Up-Time'], /^0 years, 0 days, 0 hours, 0 minutes, \d+ seconds, \d+ milliseconds, \d+ microseconds$/);
  const seqs = c.events().map((e) => Number(e.headers['Event-Sequence']));
  t.ok(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)), 'Event-Sequence increases');
  const r = await c.cmd('bgapi status\nJob-UUID: my-job-1');
  t.equal(r.headers.get('Reply-Text'), '+OK Job-UUID: my-job-1');
  t.equal(r.headers.get('Job-UUID'), 'my-job-1');
  await c.until((x) => x.events().some((e) => e.headers['Job-UUID'] === 'my-job-1'));
  const job = c.events().find((e) => e.headers['Job-UUID'] === 'my-job-1');
  t.equal(job?.headers['Job-Command'], 'status');
  t.match(job?.body, /^UP /);
  t.equal((await c.cmd('bogus')).headers.get('Reply-Text'), '-ERR command not found');
  t.equal((await c.cmd('api nosuch')).body, '-ERR nosuch Command not found!\n');
  const pre = await RawClient.open(port);
  t.teardown(() => pre.close());
  await pre.until((x) => x.frames.length === 1);
  t.equal((await pre.cmd('api status')).headers.get('Reply-Text'), '-ERR invalid', 'a command before auth');
  t.equal(pre.closed, false, 'still connected');
  t.equal((await pre.cmd('auth ClueCon')).headers.get('Reply-Text'), '+OK accepted');
  t.equal((await pre.cmd('exit')).headers.get('Reply-Text'), '+OK bye');
  await pre.until((x) => x.closed, 2000, 'exit closes');
  t.equal(pre.frames.at(-1)?.headers.get('Content-Type'), 'text/disconnect-notice');
  t.ok(seen.includes('bgapi status') && seen.includes('api status') && seen.includes('exit'), 'every command line is reported');
  t.notOk(seen.some((x) => x.startsWith('Job-UUID')), 'header lines are not commands');
});

t.test('an originate ends with the cause when its leg is killed or rejected while ringing', async (t) => {
  const { emu, c } = await setup(t);
  const ctl = await authed(emu.port);
  t.teardown(() => ctl.close());
  const pending = ctl.cmd('api originate {origination_uuid=ring-1}user/1003 &park');
  await c.until((x) => names(x, 'ring-1').includes('CHANNEL_PROGRESS'));
  t.equal((await c.cmd('api uuid_kill ring-1 CALL_REJECTED')).body, '+OK\n');
  t.equal((await pending).body, '-ERR CALL_REJECTED\n');
  const bg = await ctl.cmd('bgapi originate {origination_uuid=ring-2}user/1003 &park');
  await c.until((x) => names(x, 'ring-2').includes('CHANNEL_PROGRESS'));
  t.ok(emu.phone('1003').hangup('CALL_REJECTED'), 'the phone rejects');
  await c.until((x) => x.events().some((e) => e.headers['Event-Name'] === 'BACKGROUND_JOB'), 2000, 'job');
  const job = c.events().find((e) => e.headers['Event-Name'] === 'BACKGROUND_JOB');
  t.equal(job?.headers['Job-UUID'], bg.headers.get('Job-UUID'));
  t.equal(job?.body, '-ERR CALL_REJECTED\n');
  // A phone's own call that rings another phone: the caller hangs up first → callee cancelled.
  emu.phone('8000').setBehaviour('no-answer');
  const a = emu.phone('1001').dial('8000');
  await c.until((x) => x.events().some((e) => e.headers['Event-Name'] === 'CHANNEL_PROGRESS' && e.headers['Caller-Destination-Number'] === '8000'));
  emu.phone('1001').hangup();
  await sleep(20);
  t.same(emu.channels(), [], 'both legs gone');
  const cancelled = c.events().find((e) => e.headers['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e.headers['Unique-ID'] !== a && e.headers['Caller-Destination-Number'] === '8000');
  t.equal(cancelled?.headers['Hangup-Cause'], 'ORIGINATOR_CANCEL');
});

t.test('crash can stay down until restart', async (t) => {
  const { emu, port } = await setup(t);
  await emu.api('originate', 'user/1001 &park');
  await emu.crash({ stayDown: true });
  t.equal(emu.listening, false);
  await t.rejects(RawClient.open(port), 'connection refused while down');
  await emu.restart();
  const c = await authed(port);
  t.teardown(() => c.close());
  t.equal((await c.cmd('api show calls as json')).body, '{"row_count": 0}\n');
});
