// Takes event-socket captures from a real FreeSWITCH for the emulator's
// conformance test (daemon/test/fixtures/freeswitch, see its README.md):
//
//   FREESWITCH_PREFIX=/opt/freeswitch node --import tsx daemon/test/real/capture-freeswitch.ts OUTDIR
//
// A private FreeSWITCH configured by `callpoint provision freeswitch` (the
// daemon is not running: FreeSWITCH reads the provisioned static files), sipp
// phones with the provisioned passwords, and one event-socket connection per
// capture subscribed with `event plain ALL` or `event json ALL`. NAME.raw holds
// every byte FreeSWITCH sent on it, NAME.sent every command we sent on it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { authed, sleep, type RawClient } from '../../src/sim/freeswitch/raw-client.js';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { freePort, provision, worldConfigFile } from '../world/world.js';
import { pickPorts } from './freeswitch-instance.js';
import { RealSwitch } from './real-switch.js';

const out = resolve(process.argv[2] ?? '.');
const CONFIG = {
  points: [],
  phones: [
    { number: '2001', name: 'Dispatch desk', zone: 'control' },
    { number: '3001', name: 'Office', zone: 'control' },
    { number: '1001', name: 'Intercom km 1', zone: 'tunnel-a' },
  ],
};

class Capture {
  private readonly sent: string[] = [];
  constructor(readonly c: RawClient) {}
  static async open(sw: RealSwitch, format: 'plain' | 'json'): Promise<Capture> {
    const c = await authed(sw.eslPort, sw.eslPassword);
    const cap = new Capture(c);
    cap.sent.push(`auth ${sw.eslPassword}`);
    await cap.cmd(`event ${format} ALL`);
    return cap;
  }
  async cmd(text: string): Promise<string> {
    this.sent.push(text);
    const body = (await this.c.cmd(text)).body;
    if (process.env.CAPTURE_DEBUG) console.log(text, '→', body.trim());
    return body;
  }
  async until(what: string, pred: (h: Record<string, string>) => boolean, ms = 30_000): Promise<void> {
    await this.c.until((x) => x.events().some((e) => pred(e.headers)), ms, what);
  }
  save(name: string): void {
    // The password is not kept in the fixture.
    writeFileSync(join(out, `${name}.raw`), Buffer.concat(this.c.raw));
    writeFileSync(join(out, `${name}.sent`), this.sent.map((s) => (s.startsWith('auth ') ? 'auth PASSWORD' : s)).join('\n\n') + '\n\n');
    this.c.close();
  }
}
const subclass = (s: string) => (h: Record<string, string>) => h['Event-Subclass'] === s;

async function registration(sw: RealSwitch, format: 'plain' | 'json'): Promise<void> {
  const cap = await Capture.open(sw, format);
  const desk = await sw.phone('2001');
  const office = await sw.phone('3001');
  const intercom = await sw.phone('1001');
  if ((await desk.register()) !== 'registered') throw new Error('2001 did not register');
  await cap.until('sofia::register of 2001', subclass('sofia::register'));
  if ((await office.register({ password: 'not-the-password' })) !== 'refused') throw new Error('3001 was not refused');
  await cap.until('sofia::register_failure', subclass('sofia::register_failure'));
  if ((await intercom.register({ expiresS: 5 })) !== 'registered') throw new Error('1001 did not register');
  await cap.until('sofia::expire', subclass('sofia::expire'), 60_000);
  if (!(await desk.unregister())) throw new Error('2001 did not unregister');
  await cap.until('sofia::unregister', subclass('sofia::unregister'));
  await sleep(500);
  cap.save(`registration-${format}`);
}

async function conference(sw: RealSwitch, format: 'plain' | 'json'): Promise<void> {
  const desk = await sw.phone('2001');
  const office = await sw.phone('3001');
  for (const p of [desk, office]) {
    if ((await p.register()) !== 'registered') throw new Error(`${p.number} did not register`);
    await p.serve({ kind: 'desk', ringMs: 200 });
  }
  const cap = await Capture.open(sw, format);
  const a = '0c4c1f52-61a5-4b7e-9f5c-3d1f0e7a2b01';
  const b = '0c4c1f52-61a5-4b7e-9f5c-3d1f0e7a2b02';
  await cap.cmd(`api originate {origination_uuid=${a},origination_caller_id_number=8000,origination_caller_id_name=Dispatch}user/2001 &conference(cp-capture@default)`);
  await cap.until('add-member 1', (h) => h['Action'] === 'add-member');
  await cap.cmd(`api originate {origination_uuid=${b},origination_caller_id_number=8000,origination_caller_id_name=Dispatch}user/3001 &conference(cp-capture@default)`);
  await cap.until('add-member 2', (h) => h['Action'] === 'add-member' && h['Unique-ID'] === b);
  // Member ids count up across conferences for the life of FreeSWITCH: take 3001's from the list.
  const list = await cap.cmd('api conference cp-capture list');
  const id = new RegExp(`^(\\d+);[^;]*;${b};`, 'm').exec(list)?.[1];
  if (!id) throw new Error(`3001 is not in the conference: ${list}`);
  await cap.cmd(`api conference cp-capture mute ${id}`);
  await cap.cmd(`api conference cp-capture unmute ${id}`);
  await cap.cmd(`api conference cp-capture kick ${id}`);
  await cap.until('del-member', (h) => h['Action'] === 'del-member');
  await cap.cmd(`api uuid_kill ${a}`);
  await cap.until('conference-destroy', (h) => h['Action'] === 'conference-destroy');
  await sleep(500);
  cap.save(`conference-${format}`);
}

const dir = mkdtempSync(join(tmpdir(), 'callpoint-capture-'));
const ports = await pickPorts();
// The daemon does not run: its http port and broker are only where they would be.
const configFile = worldConfigFile(dir, { httpPort: await freePort(), eslPort: ports.esl, brokerUrl: 'mqtt://127.0.0.1:1883', config: CONFIG });
await provision(configFile, join(dir, 'provisioned'));
const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
const sw = RealSwitch.create({ dir, ports, secrets, provisioned: join(dir, 'provisioned') });
try {
  await sw.start();
  for (const f of ['plain', 'json'] as const) {
    await registration(sw, f);
    await conference(sw, f);
  }
  console.log(`captures written to ${out}`);
} finally {
  await sw.close();
  rmSync(dir, { recursive: true, force: true });
}
