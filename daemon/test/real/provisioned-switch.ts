// A real FreeSWITCH configured the way a technician does it: write Callpoint's
// configuration, run `callpoint provision freeswitch --out DIR` (the CLI, as
// on a board), copy its output over a copy of the vanilla configuration, and
// give the sipp phones the SIP passwords provisioning generated.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { cli } from '../helpers/daemon.js';
import { RealFreeswitch, pickPorts } from './freeswitch-instance.js';
import { SippPhone } from './sipp.js';

export interface ProvisionedSwitch {
  fs: RealFreeswitch;
  secrets: DeviceSecrets;
  configFile: string;
  dataDir: string;
  /** A sipp phone for a configured extension (created on first use, not yet registered). */
  phone(number: string): Promise<SippPhone>;
  close(): Promise<void>;
}

/**
 * config: a Callpoint configuration without `freeswitch` (its port is chosen
 * here) and with http.port set to where the daemon will listen (xml_curl).
 */
export async function provisionedSwitch(dir: string, config: Record<string, unknown>): Promise<ProvisionedSwitch> {
  const prefix = process.env.FREESWITCH_PREFIX;
  if (!prefix) throw new Error('FREESWITCH_PREFIX is not set');
  mkdirSync(dir, { recursive: true });
  const ports = await pickPorts();
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'config.yaml');
  const full = { dataDir, ...config, freeswitch: { host: '127.0.0.1', port: ports.esl } };
  writeFileSync(configFile, stringify(full));
  const out = join(dir, 'provisioned');
  const r = await cli(['provision', 'freeswitch', '--out', out, '--config', configFile]);
  if (r.code !== 0) throw new Error(`callpoint provision freeswitch failed (${r.code}): ${r.stderr}${r.stdout}`);
  const secrets = JSON.parse(readFileSync(join(dataDir, 'device-secrets.json'), 'utf8')) as DeviceSecrets;
  const fs = RealFreeswitch.prepare({ prefix, dir: join(dir, 'fs'), ports, eslPassword: secrets.eslPassword, provisioned: out });
  const phones = new Map<string, SippPhone>();
  const configured = (config.phones as Array<{ number: string; secret?: string }> | undefined) ?? [];
  return {
    fs,
    secrets,
    configFile,
    dataDir,
    async phone(number) {
      let p = phones.get(number);
      if (!p) {
        const conf = configured.find((x) => x.number === number);
        const password = conf?.secret ?? secrets.phoneSecrets[number];
        if (!password) throw new Error(`extension ${number} is not configured`);
        p = await SippPhone.create(number, password, ports.sip);
        phones.set(number, p);
      }
      return p;
    },
    async close() {
      await Promise.all([...phones.values()].map((p) => p.close()));
      await fs.stop();
    },
  };
}
