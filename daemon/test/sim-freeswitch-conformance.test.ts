// Conformance of the FreeSWITCH emulator against real FreeSWITCH 1.10.12
// captures (shared/fixtures/freeswitch): content types, header names and
// their order, reply texts, and the order of event names per call leg.
//
// Compared per leg: every event except HEARTBEAT, RE_SCHEDULE, API and CODEC
// (not about the call / not emitted by the emulator), and CHANNEL_EXECUTE /
// CHANNEL_EXECUTE_COMPLETE of the application `log` (the vanilla dialplan's
// warnings). Header order is checked for every event name the capture has:
// each emitted name (variable_* aside) must occur in the capture for that
// event, the headers the capture always has must be there, and any two
// headers must be in the capture's relative order.
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameParser, eventFromFrame, parseHeaderBlock, type Frame } from '../src/pbx/esl/frame-parser.js';
import { FreeSwitchEmulator } from '../src/sim/freeswitch/index.js';
import { authed, RawClient, sleep } from '../src/sim/freeswitch/raw-client.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'daemon', 'test', 'fixtures', 'freeswitch');
// The captures are part of the repository: without them the emulator is held to nothing, which is a failure.
if (!existsSync(FIX)) {
  t.fail(`no captures at ${FIX}: the emulator cannot be checked against real FreeSWITCH`);
  t.end();
  process.exit(1);
}

const parseFrames = (buf: Buffer): Frame[] => {
  const out: Frame[] = [];
  new FrameParser((f) => out.push(f)).push(buf);
  return out;
};
const captured = (name: string): Frame[] => parseFrames(readFileSync(join(FIX, name)));

/**
 * The kind of event whose layout is compared: the event name, and where one
 * name has several layouts the variant: a CUSTOM event's subclass (and a
 * conference action that has its own: floor-change), PRESENCE_IN's proto.
 */
function layoutKey(h: Record<string, string>): string {
  const name = h['Event-Name'] ?? '';
  if (name === 'CUSTOM') return `CUSTOM ${h['Event-Subclass'] ?? ''}${h['Action'] === 'floor-change' ? ' floor-change' : ''}`;
  if (name === 'PRESENCE_IN') return `PRESENCE_IN ${h['proto'] ?? ''}${h['force-status'] === 'Inactive' ? ' inactive' : ''}`;
  return name;
}

/** Event header names in wire order (plain: header block; json: key order). */
function headerNames(f: Frame): { name: string; names: string[] } | undefined {
  const ct = f.headers.get('Content-Type');
  if (ct === 'text/event-plain') {
    const end = f.body.indexOf('\n\n');
    const block = parseHeaderBlock(end < 0 ? f.body : f.body.slice(0, end));
    return { name: layoutKey(Object.fromEntries(block)), names: [...block.keys()] };
  }
  if (ct === 'text/event-json') {
    const o = JSON.parse(f.body) as Record<string, string>;
    return { name: layoutKey(o), names: Object.keys(o).filter((k) => k !== '_body') };
  }
  return undefined;
}

interface Shape { known: Set<string>; always: Set<string>; before: Set<string> }
function shapes(frames: Frame[]): Map<string, Shape> {
  const m = new Map<string, Shape>();
  for (const f of frames) {
    const h = headerNames(f);
    if (!h) continue;
    const names = h.names.filter((n) => !n.startsWith('variable_'));
    let s = m.get(h.name);
    if (!s) { s = { known: new Set(names), always: new Set(names), before: new Set() }; m.set(h.name, s); }
    for (const n of names) s.known.add(n);
    for (const n of [...s.always]) if (!names.includes(n)) s.always.delete(n);
    names.forEach((a, i) => names.slice(i + 1).forEach((b) => s.before.add(`${a}\u0000${b}`)));
  }
  return m;
}

/**
 * real: the capture of this scenario (known names, always-present names, order).
 * more: further captures: they widen the known names and the order reference, never the always-present set.
 */
function checkShapes(t: Test, ours: Frame[], real: Map<string, Shape>, label: string, more?: Map<string, Shape>): void {
  let checked = 0;
  const problems: string[] = [];
  for (const f of ours) {
    const h = headerNames(f);
    if (!h) continue;
    const a = real.get(h.name);
    const b = more?.get(h.name);
    if (!a && !b) continue;
    // A channel event may carry any header of the channel block (CHANNEL_STATE shows them all).
    const block = h.names.includes('Channel-State') ? [...(real.get('CHANNEL_STATE')?.known ?? []), ...(more?.get('CHANNEL_STATE')?.known ?? [])] : [];
    const s: Shape = {
      known: new Set([...(a?.known ?? []), ...(b?.known ?? []), ...(a ? [] : block)]),
      always: a?.always ?? new Set(),
      before: new Set([...(a?.before ?? []), ...(b?.before ?? [])]),
    };
    checked++;
    const names = h.names.filter((n) => !n.startsWith('variable_'));
    for (const n of names) if (!s.known.has(n)) problems.push(`${h.name}: unknown header ${n}`);
    for (const n of s.always) if (!names.includes(n)) problems.push(`${h.name}: missing ${n}`);
    names.forEach((a, i) => names.slice(i + 1).forEach((b) => {
      if (s.before.has(`${b}\u0000${a}`) && !s.before.has(`${a}\u0000${b}`)) problems.push(`${h.name}: ${a} before ${b}`);
    }));
  }
  t.ok(checked > 0, `${label}: ${checked} events checked against the capture's header layout`);
  t.same([...new Set(problems)], [], `${label}: header names and order as in the capture`);
}

const IGNORED = new Set(['HEARTBEAT', 'RE_SCHEDULE', 'API', 'CODEC']);
/** leg key (Channel-Name without @host) → event names in order; BACKGROUND_JOB goes to the leg it reports. */
function legSequences(frames: Frame[]): Map<string, string[]> {
  const byUuid = new Map<string, string>();
  const out = new Map<string, string[]>();
  for (const f of frames) {
    const ev = eventFromFrame(f);
    if (!ev) continue;
    const h = ev.headers;
    const name = h['Event-Name'] ?? '';
    if (IGNORED.has(name)) continue;
    if (name.startsWith('CHANNEL_EXECUTE') && h['Application'] === 'log') continue;
    let uuid = h['Unique-ID'];
    if (name === 'BACKGROUND_JOB') uuid = /^\+OK (\S+)/.exec(ev.body)?.[1];
    if (!uuid) continue;
    if (h['Channel-Name']) byUuid.set(uuid, h['Channel-Name'].split('@')[0] ?? '');
    const key = byUuid.get(uuid) ?? uuid;
    const label = name === 'CHANNEL_STATE' ? `${name}(${h['Channel-State']})` : name === 'CHANNEL_CALLSTATE' ? `${name}(${h['Channel-Call-State']})` : name;
    out.set(key, [...(out.get(key) ?? []), label]);
  }
  return out;
}

const outerShape = (f: Frame): string => [...f.headers.keys()].join(',');

t.test('api-replies: frames, header names, reply texts', async (t) => {
  const real = captured('api-replies.raw');
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, phones: [{ number: '1001', behaviour: 'unregistered' }] });
  const { port } = await emu.start();
  t.teardown(() => emu.stop());
  const c = await RawClient.open(port);
  const sent = readFileSync(join(FIX, 'api-replies.sent'), 'utf8').split('\n\n').filter(Boolean);
  for (const cmd of sent) await c.cmd(cmd);
  const ours = c.frames;
  t.equal(ours.length, real.length, 'same number of frames');
  real.forEach((r, i) => {
    const o = ours[i];
    t.equal(o && outerShape(o), outerShape(r), `frame ${i}: same header names in order`);
    t.equal(o?.headers.get('Content-Type'), r.headers.get('Content-Type'), `frame ${i}: content type`);
    const rt = r.headers.get('Reply-Text')?.replace(/[0-9a-f-]{36}/, 'UUID');
    t.equal(o?.headers.get('Reply-Text')?.replace(/[0-9a-f-]{36}/, 'UUID'), rt, `frame ${i}: reply text`);
  });
  // Bodies: exact, except the status numbers.
  const body = (i: number): string => ours[i]?.body ?? '';
  const shape = (s: string): string => s.replace(/\d+/g, 'N');
  t.equal(shape(body(2)), shape(real[2]?.body ?? ''), 'status text has the real shape');
  for (const i of [3, 5, 6, 7]) t.equal(body(i), real[i]?.body, `api body ${i} exact: ${JSON.stringify(real[i]?.body)}`);
  c.close();
});

t.test('auth-wrong: byte for byte', async (t) => {
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0 });
  const { port } = await emu.start();
  t.teardown(() => emu.stop());
  const c = await RawClient.open(port);
  c.send('auth wrongpass');
  await c.until((x) => x.closed, 3000, 'close');
  t.same(Buffer.concat(c.raw), readFileSync(join(FIX, 'auth-wrong.raw')), 'identical bytes, then the socket closes');
});

for (const fmt of ['plain', 'json'] as const) {
  t.test(`sip-calls-${fmt}: per-leg event order and header layout`, async (t) => {
    const real = captured(`sip-calls-${fmt}.raw`);
    const emu = new FreeSwitchEmulator({
      password: 'ClueCon', heartbeatMs: 0, hostname: 'vm',
      phones: [{ number: '1001', behaviour: 'answer', answerAfterMs: 100 }, { number: '1002', behaviour: 'busy' }, { number: '1003', behaviour: 'unregistered' }],
    });
    const { port } = await emu.start();
    t.teardown(() => emu.stop());
    const c = await authed(port, 'ClueCon', `event ${fmt} ALL`);
    const ctl = await authed(port);
    const uuid = '11922db1-3741-4705-8329-f1e79e2936e9';
    const dir = mkdtempSync(join(tmpdir(), 'sim-fs-conf-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    await ctl.cmd(`bgapi originate {origination_uuid=${uuid},origination_caller_id_number=8000,origination_caller_id_name=Dispatch}user/1001 &park`);
    await c.until((x) => x.events().some((e) => e.headers['Event-Name'] === 'CHANNEL_PARK'), 3000, 'park');
    t.equal((await ctl.cmd(`api uuid_record ${uuid} start ${join(dir, 'rec.wav')}`)).body, '+OK Success\n');
    t.equal((await ctl.cmd(`api uuid_record ${uuid} stop ${join(dir, 'rec.wav')}`)).body, '+OK Success\n');
    t.equal((await ctl.cmd(`api uuid_kill ${uuid} NORMAL_CLEARING`)).body, '+OK\n');
    // The capture's 1002 leg carries caller id number 8000 and no name: the README abbreviates the
    // command; we assume {origination_caller_id_number=8000} was given.
    t.equal((await ctl.cmd('api originate {origination_caller_id_number=8000}user/1002 &park')).body, '-ERR USER_BUSY\n');
    t.equal((await ctl.cmd('api originate user/1003 &park')).body, '-ERR USER_NOT_REGISTERED\n');
    t.equal((await ctl.cmd('api originate {originate_timeout=2}loopback/9999 &park')).body, '-ERR NO_ANSWER\n');
    await sleep(100);
    t.equal(c.frames[1]?.headers.get('Reply-Text'), real[1]?.headers.get('Reply-Text'), 'subscription reply text');
    const want = legSequences(real);
    const got = legSequences(c.frames);
    t.same([...got.keys()].sort(), [...want.keys()].sort(), 'the same legs');
    for (const [leg, seq] of want) t.same(got.get(leg), seq, `event order of ${leg}`);
    checkShapes(t, c.frames, shapes(real), `sip-calls-${fmt}`);
    // Values that the scenario fixes (not timing): caller/callee ids (flipped on answer), states, causes.
    const values = (frames: Frame[], leg: string): string[] => frames.map(eventFromFrame).filter((e) => {
      const h = e?.headers;
      return h && (h['Channel-Name'] ?? '').startsWith(leg) && !IGNORED.has(h['Event-Name'] ?? '');
    }).map((e) => ['Event-Name', 'Channel-State', 'Channel-Call-State', 'Answer-State', 'Hangup-Cause', 'Call-Direction', 'Caller-Caller-ID-Name',
      'Caller-Caller-ID-Number', 'Caller-Orig-Caller-ID-Number', 'Caller-Callee-ID-Name', 'Caller-Callee-ID-Number', 'Caller-Destination-Number',
      'Channel-Presence-ID', 'Application', 'Media-Bug-Function'].map((k) => e?.headers[k] ?? '').join('|'));
    for (const leg of ['sofia/internal/1001@', 'sofia/internal/1002@']) t.same(values(c.frames, leg), values(real, leg), `${leg}: header values per event`);
    // The CDR of the answered leg.
    const hc = c.events().find((e) => e.headers['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e.headers['Unique-ID'] === uuid);
    const h = hc?.headers ?? {};
    t.equal(h['Hangup-Cause'], 'NORMAL_CLEARING');
    t.equal(h['variable_hangup_cause'], 'NORMAL_CLEARING');
    t.equal(h['variable_hangup_cause_q850'], '16');
    for (const k of ['variable_duration', 'variable_billsec', 'Caller-Channel-Created-Time', 'Caller-Channel-Answered-Time', 'Caller-Channel-Hangup-Time']) {
      t.match(h[k], /^\d+$/, `${k} is a number`);
    }
    t.ok(Number(h['Caller-Channel-Answered-Time']) > Number(h['Caller-Channel-Created-Time']), 'answered after created (µs)');
    t.ok(Number(h['Caller-Channel-Hangup-Time']) >= Number(h['Caller-Channel-Answered-Time']), 'hung up after answer (µs)');
    t.ok(Number(h['Caller-Channel-Created-Time']) > 1e15, 'µs since the epoch');
    c.close();
    ctl.close();
  });

  t.test(`call-loopback-${fmt}: loopback legs, DTMF, show channels`, async (t) => {
    const real = captured(`call-loopback-${fmt}.raw`);
    const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, hostname: 'vm' });
    const { port } = await emu.start();
    t.teardown(() => emu.stop());
    const c = await authed(port, 'ClueCon', `event ${fmt} ALL`);
    const ctl = await authed(port);
    const uuid = '53f27aa0-2757-4098-b543-b6012650b8a8';
    const r = await ctl.cmd(`api originate {origination_uuid=${uuid},origination_caller_id_number=1001,origination_caller_id_name=Tunnel_A_km_1.2}loopback/9196 &park`);
    t.equal(r.body, `+OK ${uuid}\n`);
    t.equal((await ctl.cmd(`api uuid_send_dtmf ${uuid} 15#`)).body, '+OK Success\n');
    const show = JSON.parse((await ctl.cmd('api show channels as json')).body) as { row_count: number; rows: Array<Record<string, string>> };
    const realShow = JSON.parse(readFileSync(join(FIX, 'show-channels-during-call.json'), 'utf8')) as typeof show;
    t.equal(show.row_count, realShow.row_count, 'two loopback legs');
    t.same(Object.keys(show.rows[0] ?? {}), Object.keys(realShow.rows[0] ?? {}), 'show channels row keys in the real order');
    const calls = JSON.parse((await ctl.cmd('api show calls as json')).body) as typeof show;
    const realCalls = JSON.parse(readFileSync(join(FIX, 'show-calls-sip.json'), 'utf8')) as typeof show;
    t.same(Object.keys(calls.rows[0] ?? {}), Object.keys(realCalls.rows[0] ?? {}), 'show calls row keys in the real order');
    t.equal((await ctl.cmd(`api uuid_kill ${uuid}`)).body, '+OK\n');
    await sleep(50);
    // The capture stops while the B leg sleeps in the vanilla dialplan (before answer):
    // its sequences must be a prefix of ours (the B leg's `sleep` is that dialplan's, left out).
    const want = legSequences(real);
    const got = legSequences(c.frames);
    for (const [leg, seq] of want) {
      const s = seq.filter((x) => x !== 'CHANNEL_EXECUTE');
      t.same(got.get(leg)?.slice(0, s.length), s, `${leg}: capture is a prefix of ours`);
    }
    const dtmf = c.events().filter((e) => e.headers['Event-Name'] === 'DTMF');
    t.same(dtmf.map((e) => e.headers['DTMF-Digit']), ['1', '5', '#'], 'DTMF 15# (not captured: event layout is ours)');
    t.ok(dtmf.every((e) => e.headers['Channel-Name'] === 'loopback/9196-b'), 'DTMF arrives on the far (b) leg');
    t.ok(c.events().some((e) => e.headers['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e.headers['Channel-Name'] === 'loopback/9196-b'), 'b leg hung up too');
    // The loopback capture ends before answer: the sip-calls capture widens the known headers
    // and the order reference (its answered leg is SIP; loopback legs lack some of its headers).
    checkShapes(t, c.frames, shapes(real), `call-loopback-${fmt}`, shapes(captured(`sip-calls-${fmt}.raw`)));
    c.close();
    ctl.close();
  });
}

/** The CUSTOM and PRESENCE_IN events of a capture, as "kind|detail" in order (what a registration or conference tells). */
function customSequence(frames: Frame[], skip: (h: Record<string, string>) => boolean = () => false): string[] {
  return frames
    .map((f) => eventFromFrame(f)?.headers)
    .filter((h): h is Record<string, string> => !!h && (h['Event-Name'] === 'CUSTOM' || h['Event-Name'] === 'PRESENCE_IN') && !skip(h))
    .map((h) => `${layoutKey(h)}|${h['Action'] ?? h['auth-result'] ?? h['status'] ?? h['force-status'] ?? ''}`);
}

for (const fmt of ['plain', 'json'] as const) {
  t.test(`registration-${fmt}: register, wrong password, expiry, unregister`, async (t) => {
    const real = captured(`registration-${fmt}.raw`);
    const emu = new FreeSwitchEmulator({
      password: 'ClueCon', heartbeatMs: 0, hostname: 'vm',
      phones: [
        { number: '2001', name: 'Dispatch desk', zone: 'control', password: 'pw-2001', registered: false },
        { number: '3001', name: 'Office', zone: 'control', password: 'pw-3001', registered: false },
        { number: '1001', name: 'Intercom km 1', zone: 'tunnel-a', password: 'pw-1001', registered: false },
      ],
    });
    const { port } = await emu.start();
    t.teardown(() => emu.stop());
    const c = await authed(port, 'ClueCon', `event ${fmt} ALL`);
    const sofia = (user: string) => c.cmd(`api sofia_contact ${user}`).then((f) => f.body);
    t.equal(await sofia('2001'), 'error/user_not_registered', 'not registered before it registers');
    t.equal(emu.phone('2001').register({ password: 'pw-2001' }), 'registered');
    t.match(await sofia('2001'), /^sofia\/internal\/sip:2001@/, 'registered: sofia_contact has its contact');
    t.equal(emu.phone('3001').register({ password: 'not-the-password' }), 'refused', 'a wrong password is refused');
    t.equal(await sofia('3001'), 'error/user_not_registered', 'and the phone stays unregistered');
    t.equal(emu.phone('1001').register({ password: 'pw-1001', expiresS: 1 }), 'registered');
    await c.until((x) => x.events().some((e) => e.headers['Event-Subclass'] === 'sofia::expire'), 3000, 'expire');
    t.equal(await sofia('1001'), 'error/user_not_registered', 'expired');
    emu.phone('2001').unregister();
    t.equal(await sofia('2001'), 'error/user_not_registered', 'unregistered');
    await sleep(50);
    // mod_voicemail's MESSAGE_QUERY/MESSAGE_WAITING after a registration are not the emulator's.
    t.same(customSequence(c.frames), customSequence(real), 'the same registration events, in the same order, with the same outcomes');
    checkShapes(t, c.frames, shapes(real), `registration-${fmt}`);
    const reg = c.events().find((e) => e.headers['Event-Subclass'] === 'sofia::register')?.headers ?? {};
    t.match(reg, { 'from-user': '2001', user_context: 'callpoint', effective_caller_id_name: 'Dispatch desk', callpoint_zone: 'control' }, 'the directory variables Callpoint provisions');
    c.close();
  });

  t.test(`conference-${fmt}: members join, are muted, kicked, hung up`, async (t) => {
    const real = captured(`conference-${fmt}.raw`);
    const emu = new FreeSwitchEmulator({
      password: 'ClueCon', heartbeatMs: 0, hostname: 'vm',
      phones: [{ number: '2001', behaviour: 'answer', answerAfterMs: 50 }, { number: '3001', behaviour: 'answer', answerAfterMs: 50 }],
    });
    const { port } = await emu.start();
    t.teardown(() => emu.stop());
    const c = await authed(port, 'ClueCon', `event ${fmt} ALL`);
    const a = '0c4c1f52-61a5-4b7e-9f5c-3d1f0e7a2b01';
    const b = '0c4c1f52-61a5-4b7e-9f5c-3d1f0e7a2b02';
    // A member id from an earlier conference: ids count up for the life of the switch.
    await c.cmd('api originate user/3001 &conference(warm-up@default)');
    await c.until((x) => x.events().some((e) => e.headers['Action'] === 'add-member'), 2000, 'warm-up member');
    await c.cmd('api hupall');
    await c.until((x) => x.events().some((e) => e.headers['Action'] === 'conference-destroy'), 2000, 'warm-up gone');
    const from = c.frames.length;
    await c.cmd(`api originate {origination_uuid=${a},origination_caller_id_number=8000,origination_caller_id_name=Dispatch}user/2001 &conference(cp-capture@default)`);
    await c.cmd(`api originate {origination_uuid=${b},origination_caller_id_number=8000,origination_caller_id_name=Dispatch}user/3001 &conference(cp-capture@default)`);
    const list = (await c.cmd('api conference cp-capture list')).body;
    const realList = real.find((f) => f.headers.get('Content-Type') === 'api/response' && /;hear/.test(f.body))?.body ?? '';
    const shape = (l: string) => l.replace(/^\d+;/gm, 'N;').replace(/@[^;]+;/g, '@HOST;');
    t.equal(shape(list), shape(realList), `list: newest first, the flipped caller id, the floor holder's flag (${JSON.stringify(realList)})`);
    const id = new RegExp(`^(\\d+);[^;]*;${b};`, 'm').exec(list)?.[1];
    t.equal(id, '3', 'member ids go on from the earlier conference');
    t.equal((await c.cmd(`api conference cp-capture mute ${id}`)).body, `+OK mute ${id}\n`);
    t.equal((await c.cmd(`api conference cp-capture unmute ${id}`)).body, `+OK unmute ${id}\n`);
    t.equal((await c.cmd(`api conference cp-capture kick ${id}`)).body, `+OK kicked ${id}\n`);
    t.equal((await c.cmd('api conference cp-capture mute 99')).body, '-ERR Member: 99 not found.\n', 'mod_conference’s text for an unknown member');
    await c.until((x) => x.events().some((e) => e.headers['Action'] === 'del-member' && e.headers['Unique-ID'] === b), 2000, 'kicked member gone');
    await c.cmd(`api uuid_kill ${a}`);
    await c.until((x) => x.frames.slice(from).some((f) => eventFromFrame(f)?.headers['Action'] === 'conference-destroy'), 2000, 'destroyed');
    // The emulator plays no sounds: the profile's play-file events are left out of the comparison.
    const sounds = (h: Record<string, string>) => /^play-file/.test(h['Action'] ?? '');
    // A channel's own presence (proto any) interleaves with the conference's by timing: compared per leg.
    const legPresence = (h: Record<string, string>) => h['proto'] === 'any';
    t.same(customSequence(c.frames.slice(from), (h) => sounds(h) || legPresence(h)), customSequence(real, (h) => sounds(h) || legPresence(h)), 'conference events and the conference’s presence in the real order');
    for (const leg of ['sofia/internal/2001@', 'sofia/internal/3001@']) {
      const mine = (h: Record<string, string>) => !legPresence(h) || !(h['Channel-Name'] ?? '').startsWith(leg);
      t.same(customSequence(c.frames.slice(from), mine), customSequence(real, mine), `${leg}: its presence in the real order`);
    }
    checkShapes(t, c.frames.slice(from), shapes(real), `conference-${fmt}`);
    const add = c.events().find((e) => e.headers['Action'] === 'add-member')?.headers ?? {};
    t.same(Object.keys(add).filter((k) => k.startsWith('variable_')), [], 'add-member carries no channel variables (as real FreeSWITCH)');
    t.match(add, { Floor: 'false', Video: 'false', Hold: 'false' }, 'and Floor, Video, Hold');
    c.close();
  });
}
