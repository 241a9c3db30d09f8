// Simulation mode's serial ports (`port: sim:NAME` in the config): a
// simulated GSM modem or line card at the far end. With socat installed, a
// real pseudo-terminal pair: the daemon opens one end through the same
// SerialPortLink a board uses, the simulated device drives the other end
// through serialport as well — the real serial stack, end to end. Without
// socat (a bare laptop), an in-process stream pair, and a warning.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { SimLinesApi } from '../api/route.js';
import type { SerialPortOpener } from '../lines/serial-ports.js';
import type { Logger, RootLogger } from '../log/logger.js';
import type { SerialLink } from '../../../hardware/src/serial/link.js';
import { SerialPortLink } from '../../../hardware/src/serial/serialport-link.js';
import { StreamLink } from '../../../hardware/src/serial/stream-link.js';
import { openPtyPair, socatPath } from '../../../hardware/src/sim/serial/pty-pair.js';
import { duplexPair } from '../../../hardware/src/sim/serial/duplex-pair.js';
import type { GsmModemSim } from '../../../hardware/src/sim/serial/gsm-modem-sim.js';
import type { LineCardSim } from '../../../hardware/src/sim/serial/line-card-sim.js';

interface SimPort {
  link: SerialLink;
  path: string;
  stop(): Promise<void>;
}

async function simSerialPort(name: string, dataDir: string, baudRate: number, log: Logger, attach: (far: Duplex) => void): Promise<SimPort> {
  if (!socatPath()) {
    log.warn({ port: `sim:${name}` }, 'socat is not installed: the simulated serial device is connected in-process (apt-get install socat for a real pseudo-terminal)');
    const [near, far] = duplexPair();
    attach(far);
    return { link: new StreamLink(near, `sim:${name}`), path: `sim:${name}`, stop: async () => void far.destroy() };
  }
  const dir = join(dataDir, 'sim-serial', name);
  await mkdir(dir, { recursive: true });
  const pair = await openPtyPair(dir);
  const { SerialPort } = await import('serialport');
  const far = new SerialPort({ path: pair.b, baudRate });
  await new Promise<void>((resolve, reject) => {
    far.once('open', () => resolve());
    far.once('error', reject);
  });
  far.on('error', (err) => log.debug({ err }, 'simulated device end of the pty'));
  attach(far);
  return {
    link: new SerialPortLink({ path: pair.a, baudRate, log }),
    path: pair.a,
    stop: async () => {
      if (far.isOpen) await new Promise<void>((r) => far.close(() => r()));
      await pair.close();
    },
  };
}

/** Serial ports for the line services: `sim:` ports get a simulated device; /dev paths are real ports. */
export class SimSerialDevices implements SerialPortOpener {
  readonly modems = new Map<string, GsmModemSim>();
  readonly cards = new Map<string, LineCardSim>();
  private readonly ports: SimPort[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly logger: RootLogger,
    private readonly real: SerialPortOpener,
  ) {}

  async open(kind: 'modem' | 'card', id: string, port: string, baud: number): Promise<{ link: SerialLink; path: string }> {
    if (!port.startsWith('sim:')) return this.real.open(kind, id, port, baud);
    const log = this.logger.ns(kind === 'modem' ? 'lines:gsm:port' : 'lines:card:port');
    let attach: (far: Duplex) => void;
    if (kind === 'modem') {
      const { GsmModemSim } = await import('../../../hardware/src/sim/serial/gsm-modem-sim.js');
      const sim = new GsmModemSim({ echo: true });
      this.modems.set(id, sim);
      attach = (far) => sim.attach(far);
    } else {
      const { LineCardSim } = await import('../../../hardware/src/sim/serial/line-card-sim.js');
      attach = (far) => {
        const sim = new LineCardSim(far, { ports: ['FXS', 'FXS', 'FXS', 'FXS', 'FXO', 'FXO'] });
        this.cards.set(id, sim);
        sim.start();
      };
    }
    const sp = await simSerialPort(port.slice(4), this.dataDir, baud, log, attach);
    this.ports.push(sp);
    return sp;
  }

  async stop(): Promise<void> {
    for (const sp of this.ports.splice(0)) await sp.stop().catch(() => undefined);
    await this.real.stop();
  }

  controls(): SimLinesApi {
    return {
      smsIn: (modemId, from, text, order) => {
        const sim = this.modems.get(modemId);
        if (!sim) return { ok: false, error: `no simulated modem ${modemId}` };
        return { ok: true, slots: sim.receiveSms(from, text, order ? { order } : {}) };
      },
      sent: (modemId) => this.modems.get(modemId)?.sent.map((m) => ({ to: m.to, text: m.text, parts: m.parts })),
      card: (modemId, card) => {
        const sim = this.modems.get(modemId);
        if (!sim) return { ok: false, error: `no simulated modem ${modemId}` };
        sim.swapCard(card.state, card.pin, card.iccid);
        return { ok: true };
      },
      network: (modemId, n) => {
        const sim = this.modems.get(modemId);
        if (!sim) return { ok: false, error: `no simulated modem ${modemId}` };
        if (n.registration !== undefined) sim.setRegistration(n.registration);
        if (n.rssi !== undefined) sim.setSignal(n.rssi);
        return { ok: true };
      },
      port: (cardId, n, action) => {
        const sim = this.cards.get(cardId);
        if (!sim) return { ok: false, error: `no simulated line card ${cardId}` };
        try {
          switch (action) {
            case 'off-hook': sim.setHook(n, 'off'); break;
            case 'on-hook': sim.setHook(n, 'on'); break;
            case 'ring': sim.ring(n, true); break;
            case 'stop-ring': sim.ring(n, false); break;
            case 'cut': sim.cutLine(n); break;
            case 'restore': sim.setLineVoltage(n, 48); break;
            case 'no-battery': sim.setBattery(n, false); break;
            case 'battery': sim.setBattery(n, true); break;
          }
        } catch (e) {
          return { ok: false, error: (e as Error).message };
        }
        return { ok: true };
      },
    };
  }
}
