// The emulator's routing world: FreeSwitchEmulator in this process, running
// the FreeSWITCH configuration provisioning wrote (its xml_curl binding to the
// daemon, the static fallback dialplan, the trunks' gateways), its phones
// registered and answering, its gateways as the trunks' far ends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { FreeSwitchEmulator, readFreeswitchConfig, type EmittedEvent } from '../../src/sim/freeswitch/index.js';
import { freePort } from '../helpers/daemon.js';
import { Central, provision, WorldDaemon, writeWorldConfig, type CallResult, type RoutingWorld, type TrunkPeer, type WorldCall, type WorldPhone } from './world.js';

class EmulatedCall implements WorldCall {
  private readonly done: Promise<CallResult>;

  constructor(private readonly emu: FreeSwitchEmulator, readonly uuid: string) {
    this.done = new Promise((resolve) => {
      const on = (ev: EmittedEvent) => {
        if (ev.get('Unique-ID') !== uuid) return;
        if (ev.name === 'CHANNEL_BRIDGE' || (ev.name === 'CHANNEL_ANSWER' && ev.get('Call-Direction') === 'inbound')) {
          emu.off('event', on);
          resolve({ answered: true, cause: null });
        } else if (ev.name === 'CHANNEL_HANGUP_COMPLETE') {
          emu.off('event', on);
          resolve({ answered: false, cause: ev.get('Hangup-Cause') ?? null });
        }
      };
      emu.on('event', on);
    });
  }

  result(): Promise<CallResult> {
    return this.done;
  }

  async hangup(): Promise<void> {
    await this.emu.api('uuid_kill', this.uuid);
  }
}

class EmulatedTrunk implements TrunkPeer {
  constructor(readonly id: string, private readonly emu: FreeSwitchEmulator) {}

  async answer(b: 'answer' | 'busy' | 'fail'): Promise<void> {
    this.emu.gateway(this.id).answer(b);
  }

  async down(): Promise<void> {
    this.emu.gateway(this.id).down();
  }

  async up(): Promise<void> {
    this.emu.gateway(this.id).up();
  }

  async received() {
    return this.emu.gateway(this.id).received.filter((r) => r.outcome !== 'gateway-down').map((r) => ({ number: r.number, callerIdNumber: r.callerIdNumber }));
  }

  async callIn(from: string, did: string): Promise<WorldCall> {
    // The call's first events fire synchronously, the ones a result waits for later (after the dialplan lookup).
    return new EmulatedCall(this.emu, this.emu.trunkCall(this.id, from, did));
  }
}

export async function createEmulatedWorld(dir: string, site: Record<string, unknown> & { phones: Array<{ number: string; name: string; zone: string }> }): Promise<RoutingWorld> {
  const central = await Central.start();
  const httpPort = await freePort();
  const eslPort = await freePort();
  const configFile = writeWorldConfig(dir, { httpPort, eslPort, brokerUrl: central.broker.url, site });
  const provisioned = join(dir, 'provisioned');
  await provision(configFile, provisioned);
  const secrets = JSON.parse(readFileSync(join(dir, 'data', 'device-secrets.json'), 'utf8')) as DeviceSecrets;
  const emu = new FreeSwitchEmulator({
    password: secrets.eslPassword, port: eslPort, heartbeatMs: 0, recordingsDir: join(dir, 'emulator-recordings'),
    phones: site.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, behaviour: 'answer' as const, answerAfterMs: 100 })),
    config: readFreeswitchConfig(provisioned),
  });
  await emu.start();
  // Who each phone answered: the caller ID of the leg that rang it, when it was answered.
  const answered = new Map<string, string[]>();
  emu.on('event', (ev) => {
    const uuid = ev.get('Unique-ID') ?? '';
    if (ev.name === 'CHANNEL_ANSWER' && ev.get('Call-Direction') === 'outbound') {
      const ch = emu.channel(uuid);
      if (ch?.phone) answered.set(ch.phone, [...(answered.get(ch.phone) ?? []), ch.callerNumber]);
    }
  });
  let daemon: WorldDaemon;
  try {
    daemon = await WorldDaemon.start({ dir, configFile, port: httpPort });
  } catch (e) {
    await emu.stop();
    await central.close();
    throw e;
  }
  return {
    kind: 'emulator',
    daemon,
    central,
    async phone(number: string): Promise<WorldPhone> {
      const p = emu.phone(number);
      return {
        number,
        dial: async (to: string) => new EmulatedCall(emu, p.dial(to)),
        answeredFrom: async () => answered.get(number) ?? [],
      };
    },
    trunk: (id) => new EmulatedTrunk(id, emu),
    async close() {
      await daemon.stop();
      await emu.stop();
      await central.close();
    },
  };
}
