// Every real FreeSWITCH capture, parsed by our frame parser and by the
// patched modesl connection, whole, coalesced, and split at every byte
// boundary: every frame and event recovered exactly, in order.
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { eventFromFrame, FrameParser, type Frame } from '../src/pbx/esl/frame-parser.js';
import { patchedModesl, type ModeslEvent } from '../src/pbx/esl/modesl-patch.js';
import { ROOT } from './helpers/daemon.js';

const DIR = join(ROOT, 'daemon', 'test', 'fixtures', 'freeswitch');
const SHARED = join(ROOT, '..', 'shared', 'fixtures', 'freeswitch');
const captures = readdirSync(DIR).filter((f) => f.endsWith('.raw')).sort();

/** An independent, obviously-correct reading of a whole capture: header block up to "\n\n", then Content-Length bytes. */
function reference(raw: Buffer): Array<{ type: string; headerBytes: number; body: Buffer }> {
  const out = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\n\n', at);
    if (end < 0) throw new Error(`trailing bytes at ${at}`);
    const head = raw.subarray(at, end).toString();
    const len = Number(/^Content-Length: (\d+)$/m.exec(head)?.[1] ?? 0);
    const body = raw.subarray(end + 2, end + 2 + len);
    out.push({ type: /^Content-Type: (.*)$/m.exec(head)?.[1] ?? '', headerBytes: end + 2 - at, body });
    at = end + 2 + len;
  }
  return out;
}

function parseChunks(chunks: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  const p = new FrameParser((f) => frames.push(f), (e) => { throw new Error(e); });
  for (const c of chunks) p.push(c);
  return frames;
}

function same(t: Test, got: Frame[], want: ReturnType<typeof reference>, how: string) {
  t.equal(got.length, want.length, `${how}: frame count`);
  const bad = got.findIndex((f, i) => f.headers.get('Content-Type') !== want[i]!.type || f.body !== want[i]!.body.toString());
  t.equal(bad, -1, `${how}: every frame's type and body exact${bad >= 0 ? ` (first difference at frame ${bad})` : ''}`);
}

t.test('the copies are the shared captures, byte for byte', { skip: existsSync(SHARED) ? false : 'no ../shared beside this checkout' }, async (t) => {
  for (const f of readdirSync(SHARED)) t.ok(readFileSync(join(SHARED, f)).equals(readFileSync(join(DIR, f))), f);
});

t.test('the captures account for every byte', async (t) => {
  t.ok(captures.length >= 6, `${captures.length} captures`);
  for (const f of captures) {
    const raw = readFileSync(join(DIR, f));
    const ref = reference(raw);
    t.equal(ref.reduce((n, r) => n + r.headerBytes + r.body.length, 0), raw.length, `${f}: frames cover the file exactly`);
  }
});

t.test('frame parser: whole, one byte at a time, random chunks, and every two-way split of the small captures', async (t) => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  for (const f of captures) {
    const raw = readFileSync(join(DIR, f));
    const ref = reference(raw);
    same(t, parseChunks([raw]), ref, `${f} whole`);
    same(t, parseChunks([...raw].map((b) => Buffer.from([b]))), ref, `${f} byte by byte`);
    const chunks: Buffer[] = [];
    for (let at = 0; at < raw.length; ) {
      const n = 1 + rnd(3000);
      chunks.push(raw.subarray(at, at + n));
      at += n;
    }
    same(t, parseChunks(chunks), ref, `${f} random chunks`);
    if (raw.length < 5000) {
      let allSame = true;
      for (let k = 1; k < raw.length; k++) {
        const got = parseChunks([raw.subarray(0, k), raw.subarray(k)]);
        if (got.length !== ref.length || got.some((g, i) => g.body !== ref[i]!.body.toString())) allSame = false;
      }
      t.ok(allSame, `${f}: split in two at each of ${raw.length - 1} boundaries`);
    }
  }
  const all = captures.map((f) => readFileSync(join(DIR, f)));
  same(t, parseChunks([Buffer.concat(all)]), all.flatMap(reference), 'all captures coalesced into one chunk');
});

t.test('events decode: URL-encoded plain headers and JSON agree', async (t) => {
  for (const pair of [['call-loopback-plain.raw', 'call-loopback-json.raw'], ['sip-calls-plain.raw', 'sip-calls-json.raw']] as const) {
    const plain = parseChunks([readFileSync(join(DIR, pair[0]))]).map(eventFromFrame).filter(Boolean);
    const json = parseChunks([readFileSync(join(DIR, pair[1]))]).map(eventFromFrame).filter(Boolean);
    t.same(plain.map((e) => e!.headers['Event-Name']), json.map((e) => e!.headers['Event-Name']), `${pair[0]}: same events in the same order`);
    const hangups = plain.filter((e) => e!.headers['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE');
    if (pair[0].startsWith('sip')) {
      // USER_NOT_REGISTERED fails before a channel exists; the loopback call has two legs.
      t.same(hangups.map((e) => e!.headers['Hangup-Cause']), ['NORMAL_CLEARING', 'USER_BUSY', 'NO_ANSWER', 'NO_ANSWER'], 'hangup causes decoded');
      const api = plain.find((e) => e!.headers['API-Command'] === 'bgapi');
      t.match(api?.headers['API-Command-Argument'], /^originate \{origination_uuid=[0-9a-f-]{36},origination_caller_id_number=8000,origination_caller_id_name=Dispatch\}user\/1001 &park$/, 'URL-decoding of plain headers');
      const job = plain.find((e) => e!.headers['Event-Name'] === 'BACKGROUND_JOB');
      t.match(job?.body, /^\+OK [0-9a-f-]{36}\n$/, 'an event body (BACKGROUND_JOB) is cut by its byte length');
    }
  }
});

t.test('patched modesl recovers every frame from every capture, byte by byte and coalesced', async (t) => {
  const { Connection } = patchedModesl();
  for (const f of captures) {
    const raw = readFileSync(join(DIR, f));
    const ref = reference(raw);
    for (const how of ['whole', 'byte by byte'] as const) {
      const socket = Object.assign(new EventEmitter(), { write: () => true, end: () => undefined, destroy: () => undefined, setKeepAlive: () => undefined });
      // Outbound-mode construction hands modesl our socket; its parser hook is the patched one.
      const conn = new (Connection as unknown as new (s: unknown) => { on(e: string, f: (...a: unknown[]) => void): void })(socket);
      const got: Array<{ type: string; body: string }> = [];
      conn.on('esl::event::**', (...args: unknown[]) => {
        const [, headers, body] = args as [ModeslEvent, Record<string, string> | undefined, string | undefined];
        // modesl also re-emits some events internally (auth::success, ready) without the frame headers.
        if (!headers) return;
        got.push({ type: headers['Content-Type'] ?? '', body: body ?? '' });
      });
      conn.on('error', () => undefined);
      if (how === 'whole') socket.emit('data', raw);
      else for (const b of raw) socket.emit('data', Buffer.from([b]));
      t.equal(got.length, ref.length, `${f} ${how}: every frame reached modesl`);
      t.ok(got.every((g, i) => g.type === ref[i]!.type && g.body === ref[i]!.body.toString()), `${f} ${how}: in order, exact`);
    }
  }
});

t.test('garbage never throws and is reported', async (t) => {
  const errors: string[] = [];
  const frames: Frame[] = [];
  const p = new FrameParser((f) => frames.push(f), (e) => errors.push(e), 1024);
  p.push(Buffer.from('Content-Type: api/response\nContent-Length: x1\n\nContent-Type: command/reply\nReply-Text: 100% -ERR %zz\n\n'));
  p.push(Buffer.alloc(5000, 0x41));
  t.ok(errors.some((e) => /Content-Length/.test(e)), 'bad Content-Length reported');
  t.ok(errors.some((e) => /no end of headers/.test(e)), 'runaway header block dropped');
  t.equal(frames[0]?.headers.get('Reply-Text'), '100% -ERR %zz', 'a stray % in an outer header is kept, not thrown');
  const ev = eventFromFrame({ headers: new Map([['Content-Type', 'text/event-plain']]), body: 'Event-Name: API\nX: 50%zz%41\n\n' });
  t.equal(ev?.headers.X, '50%zzA', 'malformed escapes survive URL-decoding');
});
