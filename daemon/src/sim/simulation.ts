// Simulation wiring: the simulated parts plug in where the real ones would
// (STYLE.md 6: simulation swaps the source, not the logic). The composition
// root asks this module for a source — FreeSWITCH's address, the brokers, the
// board's device factory, the serial ports — and gets the simulated one for
// each part that is simulated, the real one otherwise. Loaded only in
// simulation: a board in a cabinet never carries it in memory.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimApi, SimInputResult } from '../api/route.js';
import type { Point } from '../alarms/alarm-message.js';
import type { Config } from '../config/schema.js';
import type { Lifecycle } from '../lifecycle/components.js';
import type { SerialPortOpener } from '../lines/serial-ports.js';
import type { RootLogger } from '../log/logger.js';
import type { Alarm } from '../contracts/alarms.js';
import type { CentralKey } from '../uplink/command-auth.js';
import { RealDeviceFactory, SimDeviceFactory, type BoardProfile, type DeviceFactory } from '../../../hardware/src/index.js';
import { SIM_CENTRAL_KEY_FILE, SIM_CENTRAL_KEY_ID, SIM_TOKEN_FILE } from './control.js';
import type { FreeSwitchEmulator } from './freeswitch/index.js';
import { describeSimParts, type SimPart, type SimParts } from './parts.js';
import { SimSerialDevices } from './serial-devices.js';

/** How long a simulated press holds the button: longer than any debounce. */
const PRESS_MS = 300;

export class Simulation {
  emulator: FreeSwitchEmulator | undefined;
  private devices: SimDeviceFactory | undefined;
  private serial: SimSerialDevices | undefined;

  constructor(
    readonly parts: SimParts,
    private readonly config: Config,
    private readonly logger: RootLogger,
    private readonly life: Lifecycle,
  ) {}

  has(part: SimPart): boolean {
    return this.parts.has(part);
  }

  get description(): string {
    return describeSimParts(this.parts);
  }

  /**
   * FreeSWITCH's event socket: the emulator's (started here) when simulated, else the configured one.
   * `files`: what provisioning would write; the emulator runs with it (the dialplan through the daemon, the gateways).
   */
  async freeswitch(password: string, configured: { host: string; port: number }, files: ReadonlyArray<{ path: string; content: string }> = []): Promise<{ host: string; port: number }> {
    if (!this.has('freeswitch')) return configured;
    // The emulator speaks the real event-socket protocol on a free loopback port,
    // with the configured phones registered and answering.
    const { FreeSwitchEmulator, freeswitchConfigOf } = await import('./freeswitch/index.js');
    const emu = new FreeSwitchEmulator({
      password,
      host: '127.0.0.1',
      port: 0,
      recordingsDir: join(this.config.dataDir, 'recordings'),
      phones: this.config.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, behaviour: 'answer' as const, answerAfterMs: 1500, busyWhenInCall: true })),
      config: files.length ? freeswitchConfigOf(new Map(files.map((f) => [f.path, f.content]))) : undefined,
    });
    let port = 0;
    await this.life.start({ name: 'freeswitch-emulator', start: async () => void (port = (await emu.start()).port), stop: () => emu.stop() });
    this.emulator = emu;
    this.logger.ns('sim').info({ port, phones: this.config.phones.map((p) => p.number) }, 'FreeSWITCH emulator listening');
    return { host: '127.0.0.1', port };
  }

  /** The brokers of central: with none configured, an embedded one on 127.0.0.1:1883 (mosquitto_sub -t 'callpoint/v1/#' -v shows the traffic). */
  async brokers(configured: string[]): Promise<string[]> {
    if (!this.has('broker') || configured.length) return configured;
    const { SimBroker } = await import('./broker/index.js');
    const broker = new SimBroker({ host: '127.0.0.1', port: 1883 }, this.logger.ns('sim:broker'));
    await this.life.start(broker);
    return [broker.url];
  }

  /**
   * Central's key, when central is simulated too (the embedded broker): a key
   * pair made once in the data directory, so `callpoint central sign --key
   * var/sim-central-key.pem --key-id sim-central …` signs commands this
   * simulation obeys. With a real broker, only central.keys count.
   */
  async centralKeys(configuredBrokers: string[]): Promise<CentralKey[]> {
    if (!this.has('broker') || configuredBrokers.length) return [];
    const file = join(this.config.dataDir, SIM_CENTRAL_KEY_FILE);
    let pem = await readFile(file, 'utf8').catch(() => undefined);
    if (!pem) {
      pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await writeFile(file, pem, { mode: 0o600 });
    }
    this.logger.ns('sim').info({ keyFile: file, keyId: SIM_CENTRAL_KEY_ID }, 'simulated central: commands signed with this key are obeyed');
    return [{ id: SIM_CENTRAL_KEY_ID, key: createPublicKey(pem) }];
  }

  /** The board's devices: simulated GPIO and I2C chips (pressed from the UI), or the real ones. */
  deviceFactory(profile: BoardProfile): DeviceFactory {
    if (!this.has('board')) return new RealDeviceFactory();
    this.devices = new SimDeviceFactory(profile);
    return this.devices;
  }

  /** Serial ports: `sim:NAME` ports get a simulated modem or line card; /dev paths stay real. */
  serialPorts(real: SerialPortOpener): SerialPortOpener {
    if (!this.has('lines')) return real;
    this.serial = new SimSerialDevices(this.config.dataDir, this.logger, real);
    return this.serial;
  }

  /** Drive a simulated input directly (held until released), through the same debounce as a real button. */
  drive(input: string, pressed: boolean): void {
    if (!this.devices) throw new Error('the board is not simulated (--simulate=board)');
    this.devices.drive(input, pressed);
  }

  /**
   * A phone added to the configuration registers with the emulator, as a real
   * SIP phone would once FreeSWITCH's directory has it (after reloadxml).
   */
  followPhones(phones: () => Config['phones']): void {
    const emulator = this.emulator;
    if (!emulator) return;
    this.phonesOf = phones;
    const known = new Set(this.config.phones.map((p) => p.number));
    this.addPhones = () => {
      for (const p of phones()) {
        if (known.has(p.number)) continue;
        known.add(p.number);
        emulator.addPhone({ number: p.number, name: p.name, behaviour: 'answer', answerAfterMs: 1500, busyWhenInCall: true });
        this.logger.ns('sim').info({ phone: p.number }, 'simulated phone registered (added to the configuration)');
      }
    };
  }

  /** The configuration changed: new phones register. */
  configChanged(): void {
    this.addPhones?.();
  }

  private phonesOf: (() => Config['phones']) | undefined;
  private addPhones: (() => void) | undefined;

  /** What the UI, the API and `callpoint sim` may drive; the token file for the CLI is written here. */
  async api(pointsNow: () => Point[], alarms: { openForPoint(pointId: string): Promise<Alarm | undefined> }): Promise<SimApi> {
    const token = randomBytes(24).toString('base64url');
    await writeFile(join(this.config.dataDir, SIM_TOKEN_FILE), token, { mode: 0o600 });
    const api: SimApi = { token };
    const devices = this.devices;
    if (devices) {
      const find = (input: string) => pointsNow().find((p) => p.input === input || p.id === input);
      api.inputs = {
        // A momentary press of the simulated button; answers with the alarm it raised or joined.
        press: async (input: string): Promise<SimInputResult> => {
          const point = find(input);
          if (!point) return { ok: false, error: `no call point on input ${input} (known: ${pointsNow().map((p) => p.input).join(', ') || 'none'})` };
          const t0 = new Date().toISOString();
          devices.drive(point.input, true);
          setTimeout(() => devices.drive(point.input, false), PRESS_MS).unref();
          for (let i = 0; i < 40; i++) {
            await new Promise((r) => setTimeout(r, 50));
            // Held alarms too: a press while the disk is full still answers with its alarm.
            const a = await alarms.openForPoint(point.id);
            if (a && a.updatedAt >= t0) return { ok: true, input: point.input, alarmId: a.id };
          }
          return { ok: true, input: point.input };
        },
        release: async (input: string): Promise<SimInputResult> => {
          const point = find(input);
          if (!point) return { ok: false, error: `no call point on input ${input}` };
          devices.drive(point.input, false);
          return { ok: true, input: point.input };
        },
      };
    }
    const emulator = this.emulator;
    if (emulator) {
      api.phones = {
        /** A simulated phone presses keys on its current call (the dispatcher acknowledging). */
        keys: (phone: string, digits: string): SimInputResult => {
          const phones = new Set((this.phonesOf?.() ?? this.config.phones).map((p) => p.number));
          if (!phones.has(phone)) return { ok: false, error: `no simulated phone ${phone}` };
          emulator.phone(phone).sendDtmf(digits);
          return { ok: true, input: phone };
        },
      };
    }
    if (this.serial) api.lines = this.serial.controls();
    return api;
  }
}
