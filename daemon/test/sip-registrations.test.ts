// `show registrations as json`, as FreeSWITCH 1.10 answers it (mod_commands
// over the core registrations table that mod_sofia fills): the emulator says
// it the same way, and the gateway reads it — through a builder, like every
// command — into who is registered, from where, since when.
import t from 'tap';
import { showRegistrations } from '../src/pbx/commands/builders.js';
import { RegistrationBook } from '../src/pbx/registrations.js';
import { FreeSwitchEmulator } from '../src/sim/freeswitch/index.js';

const COLUMNS = ['reg_user', 'realm', 'token', 'url', 'expires', 'network_ip', 'network_port', 'network_proto', 'hostname', 'metadata'];

t.test('the emulator answers as FreeSWITCH 1.10: every column of the table, every value a string', async (t) => {
  const emu = new FreeSwitchEmulator({ password: 'ClueCon', heartbeatMs: 0, hostname: 'fs1', phones: [{ number: '1001' }, { number: '8000' }, { number: '1002', behaviour: 'unregistered' }] });
  t.equal(String(showRegistrations()), 'show registrations as json', 'the command, from its builder');
  const body = await emu.api('show', 'registrations as json');
  t.match(body, /^\{"row_count":2,"rows":\[/, 'printed unformatted, as cJSON does');
  const parsed = JSON.parse(body) as { row_count: number; rows: Array<Record<string, unknown>> };
  t.equal(parsed.row_count, 2, 'the unregistered phone is not there');
  for (const row of parsed.rows) {
    t.same(Object.keys(row), COLUMNS, 'the core table’s columns, in its order');
    t.ok(Object.values(row).every((v) => typeof v === 'string'), 'every value a string (cJSON_CreateString), metadata "" for NULL');
  }
  const r = parsed.rows.find((x) => x.reg_user === '1001')!;
  t.match(r, { realm: '127.0.0.1', url: 'sofia/internal/sip:1001@127.0.0.1:5072', network_ip: '127.0.0.1', network_port: '5072', network_proto: 'udp', hostname: 'fs1', metadata: '' });
  t.match(r.token, /^[0-9a-f-]{36}$/, 'the Call-ID of the REGISTER');
  t.ok(Number(r.expires) > Date.now() / 1000 + 3000, 'expires: the epoch second it runs out (time + expiry + late margin)');

  emu.phone('1001').unregister();
  emu.phone('8000').unregister();
  t.equal(await emu.api('show', 'registrations as json'), '{"row_count": 0}\n', 'none at all: the same text as an empty show channels (api-replies.raw)');
  emu.phone('1001').register();
  const again = JSON.parse(await emu.api('show', 'registrations as json')) as { rows: Array<Record<string, string>> };
  t.not(again.rows[0]!.token, r.token, 'registering again is a new registration (a new Call-ID)');
});

t.test('the gateway reads it: contact, profile, address, expiry; "seen since" kept per registration', async (t) => {
  const book = new RegistrationBook();
  const row = { reg_user: '1001', realm: 'tunnel-a.local', token: 'abc@10.0.0.7', url: 'sofia/internal/sip:1001@10.0.0.7:5062;transport=tcp', expires: '1795559000', network_ip: '10.0.0.7', network_port: '5062', network_proto: 'tcp', hostname: 'fs1', metadata: '' };
  const first = book.read(JSON.stringify({ row_count: 1, rows: [row] }), Date.parse('2026-11-25T08:00:00Z'));
  t.same(first, [{ user: '1001', realm: 'tunnel-a.local', contact: 'sip:1001@10.0.0.7:5062;transport=tcp', profile: 'internal', ip: '10.0.0.7', port: 5062, transport: 'tcp', expiresAt: '2026-11-24T22:23:20.000Z', seenSince: '2026-11-25T08:00:00.000Z' }]);
  const later = book.read(JSON.stringify({ row_count: 1, rows: [row] }), Date.parse('2026-11-25T09:00:00Z'));
  t.equal(later?.[0]?.seenSince, '2026-11-25T08:00:00.000Z', 'a refresh (same Call-ID) keeps the time it was first seen');
  t.same(book.read('{"row_count": 0}\n', Date.parse('2026-11-25T10:00:00Z')), [], 'none');
  t.equal(book.read(JSON.stringify({ row_count: 1, rows: [row] }), Date.parse('2026-11-25T11:00:00Z'))?.[0]?.seenSince, '2026-11-25T11:00:00.000Z', 'gone and back: seen anew');
  t.equal(book.read('-ERR no reply'), undefined, 'not the JSON: not a list');
});
