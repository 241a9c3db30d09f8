// Captures mod_sofia's gateway status from a real FreeSWITCH, for the parser
// and the emulator (daemon/test/fixtures/freeswitch/sofia-gateways.*):
//
//   FREESWITCH_PREFIX=/opt/freeswitch node --import tsx daemon/test/real/capture-gateways.ts OUTDIR
//
// A private FreeSWITCH configured by `callpoint provision freeswitch` with four
// trunks: `provider` registers with a sipp provider that accepts it (REGED),
// `dead` registers with nobody (TRYING, then FAILED), `lan` does not register
// and is pinged by OPTIONS that sipp answers (NOREG, UP), `quiet` neither
// registers nor is pinged (NOREG). The sipp peer plays routing-trunk.xml.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { cli, freePort } from '../helpers/daemon.js';
import { freeSipPort, pickPorts, RealFreeswitch } from './freeswitch-instance.js';

const out = resolve(process.argv[2] ?? '.');
const dir = mkdtempSync(join(tmpdir(), 'callpoint-capture-gw-'));
const sippDir = join(import.meta.dirname, 'sipp');

const ports = await pickPorts();
const [provider, dead, lan, quiet] = [await freeSipPort(), await freeSipPort(), await freeSipPort(), await freeSipPort()];
const peers = [provider, lan].map((port) =>
  spawn('sipp', ['-sf', join(sippDir, 'routing-trunk.xml'), '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 1000), '-aa', '-nostdin', '-set', 'answer', '200'], { stdio: 'ignore' }),
);
const configFile = join(dir, 'config.yaml');
writeFileSync(
  configFile,
  stringify({
    site: 'capture', node: 'n1', dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: await freePort() }, freeswitch: { port: ports.esl },
    zones: [{ id: 'control', dispatch: true }],
    phones: [{ number: '8000', name: 'Desk', zone: 'control' }],
    trunks: [
      { id: 'provider', kind: 'sip', zone: 'control', gateway: { proxy: `127.0.0.1:${provider}`, username: 'site-a', password: 'provider-secret-1', expireS: 600 } },
      { id: 'dead', kind: 'sip', zone: 'control', gateway: { proxy: `127.0.0.1:${dead}`, username: 'site-a', password: 'provider-secret-2', retryS: 5 } },
      { id: 'lan', kind: 'sip', zone: 'control', gateway: { proxy: `127.0.0.1:${lan}`, register: false, pingS: 5 } },
      { id: 'quiet', kind: 'sip', zone: 'control', gateway: { proxy: `127.0.0.1:${quiet}`, register: false } },
    ],
  }),
);
const provisioned = join(dir, 'provisioned');
const r = await cli(['provision', 'freeswitch', '--out', provisioned, '--config', configFile]);
if (r.code !== 0) throw new Error(`provision failed: ${r.stderr}`);
const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
const prefix = process.env.FREESWITCH_PREFIX ?? '/opt/freeswitch';
const fs = RealFreeswitch.prepare({ prefix, dir: join(dir, 'fs'), ports, eslPassword: secrets.eslPassword, provisioned });
try {
  await fs.start();
  const early = await fs.api('sofia xmlstatus gateway');
  // Long enough for the first registration to fail and a ping round to pass.
  await new Promise((res) => setTimeout(res, 12_000));
  const captures: Record<string, string> = {
    'sofia-gateways-starting.xml': early,
    'sofia-gateways.xml': await fs.api('sofia xmlstatus gateway'),
    'sofia-gateway-one.xml': await fs.api('sofia xmlstatus gateway provider'),
    'sofia-gateway-status.txt': await fs.api('sofia status gateway provider'),
    'sofia-gateway-invalid.txt': await fs.api('sofia xmlstatus gateway nosuch'),
  };
  for (const [name, body] of Object.entries(captures)) writeFileSync(join(out, name), body);
  console.log(`wrote ${Object.keys(captures).join(', ')} to ${out} (FreeSWITCH in ${dir})`);
} finally {
  await fs.stop();
  for (const p of peers) p.kill('SIGKILL');
}
