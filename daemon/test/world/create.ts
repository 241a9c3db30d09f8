// Build a world: central, the configuration, provisioning, the switch (emulated
// or real), the daemon.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { pickPorts } from '../real/freeswitch-instance.js';
import { RealSwitch } from '../real/real-switch.js';
import { EmulatedSwitch } from './emulated-switch.js';
import { Central, WorldDaemon, freePort, provision, scenarioGateway, worldConfigFile, type World, type WorldConfig, type WorldSwitch } from './world.js';

export async function createWorld(kind: 'emulator' | 'real', dir: string, config: WorldConfig): Promise<World> {
  const central = await Central.start();
  let fs: WorldSwitch | undefined;
  try {
    const httpPort = await freePort();
    const ports = kind === 'real' ? await pickPorts() : undefined;
    const eslPort = ports?.esl ?? (await freePort());
    const configFile = worldConfigFile(dir, { httpPort, eslPort, brokerUrl: central.broker.url, config });
    const provisioned = join(dir, 'provisioned');
    await provision(configFile, provisioned);
    const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
    fs = ports ? RealSwitch.create({ dir, ports, secrets, provisioned }) : new EmulatedSwitch(eslPort, secrets, config, join(dir, 'emulator-recordings'));
    await fs.start();
    const daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
    const sw = fs;
    return {
      kind,
      fs: sw,
      daemon,
      central,
      phone: (n) => sw.phone(n),
      gateway: () => scenarioGateway(join(dir, `gateway-${Date.now()}`), sw),
      async close() {
        await daemon.stop();
        await sw.close();
        await central.close();
      },
    };
  } catch (e) {
    await fs?.close().catch(() => undefined);
    await central.close();
    throw e;
  }
}
