// Rigs for the GSM driver tests: the driver (SerialPortLink or StreamLink →
// AtEngine → GsmModem) on one end, the simulated modem on the other — over a
// socat pty pair with the real serialport stack on both ends, or in-process
// over a Duplex pair.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { AtEngine } from '../src/serial/at/engine.js';
import { GsmModem } from '../src/serial/gsm/index.js';
import type { GsmModemContext } from '../src/serial/gsm/types.js';
import type { SerialLink } from '../src/serial/link.js';
import { SerialPortLink } from '../src/serial/serialport-link.js';
import { StreamLink } from '../src/serial/stream-link.js';
import { duplexPair } from '../src/sim/serial/duplex-pair.js';
import { GsmModemSim, type GsmModemSimOptions } from '../src/sim/serial/gsm-modem-sim.js';
import { openPtyPair, type PtyPair } from '../src/sim/serial/pty-pair.js';
import { quietLog } from './helpers.js';

export type DriverOptions = Partial<Omit<GsmModemContext, 'log' | 'id'>>;

export interface Rig {
  sim: GsmModemSim;
  gsm: GsmModem;
  link: SerialLink;
  /** Make the port vanish (pty: socat killed) and come back; undefined for the Duplex rig. */
  unplug?: () => Promise<void>;
  replug?: () => Promise<void>;
  close(): Promise<void>;
}

const SIM_DEFAULTS: GsmModemSimOptions = { networkDelayMs: 5, ringIntervalMs: 300 };
const DRIVER_DEFAULTS: DriverOptions = { pollMs: 200, smsRetryMs: 200 };

/** Poll `cond` every 10 ms until true; fails with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function driver(link: SerialLink, opts: DriverOptions): GsmModem {
  const engine = new AtEngine(link, { log: quietLog, defaultTimeoutMs: 2000, resyncQuietMs: 100, resyncMaxMs: 1000 });
  return new GsmModem(engine, link, { id: 'gsm0', log: quietLog, ...DRIVER_DEFAULTS, ...opts });
}

/**
 * In-process: the driver and the simulator on the two ends of a Duplex pair.
 * With `keep`, the simulator of an earlier rig: a new driver on the same modem,
 * as after a daemon restart (close() then leaves the simulator running).
 */
export function duplexRig(simOpts: GsmModemSimOptions = {}, opts: DriverOptions = {}, keep?: GsmModemSim): Rig {
  const [host, modem] = duplexPair();
  const sim = keep ?? new GsmModemSim({ ...SIM_DEFAULTS, ...simOpts });
  sim.attach(modem);
  const link = new StreamLink(host, 'duplex');
  const gsm = driver(link, opts);
  return {
    sim,
    gsm,
    link,
    async close() {
      await gsm.stop();
      if (keep) sim.detach();
      else sim.close();
      host.destroy();
    },
  };
}

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

/** Over a real pty pair: SerialPortLink on end a (the daemon's side), a serialport SerialPort on end b for the simulator. */
export async function ptyRig(simOpts: GsmModemSimOptions = {}, opts: DriverOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'callpoint-gsm-'));
  const pty: PtyPair = await openPtyPair(dir);
  const sim = new GsmModemSim({ ...SIM_DEFAULTS, ...simOpts });
  let simPort = await openPort(pty.b);
  sim.attach(simPort);
  const link = new SerialPortLink({ path: pty.a, baudRate: 115200, log: quietLog, minBackoffMs: 50, maxBackoffMs: 300 });
  const gsm = driver(link, opts);
  const closeSimPort = async (): Promise<void> => {
    sim.detach();
    if (simPort.isOpen) await new Promise<void>((r) => simPort.close(() => r()));
  };
  return {
    sim,
    gsm,
    link,
    async unplug() {
      await closeSimPort();
      await pty.close();
    },
    async replug() {
      await pty.respawn();
      simPort = await openPort(pty.b);
      sim.attach(simPort);
    },
    async close() {
      await gsm.stop();
      sim.close();
      await closeSimPort();
      await pty.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
