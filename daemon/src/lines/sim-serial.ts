// Simulation mode's serial ports (`port: sim:NAME` in the config). With socat
// installed, a real pseudo-terminal pair: the daemon opens one end through
// the same SerialPortLink a board uses, the simulated device drives the other
// end through serialport as well — the real serial stack, end to end. Without
// socat (a bare laptop), an in-process stream pair, and a warning.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger.js';
import type { SerialLink } from '../../../hardware/src/serial/link.js';
import { SerialPortLink } from '../../../hardware/src/serial/serialport-link.js';
import { StreamLink } from '../../../hardware/src/serial/stream-link.js';
import { openPtyPair, socatPath } from '../../../hardware/src/sim/serial/pty-pair.js';
import { duplexPair } from '../../../hardware/src/sim/serial/duplex-pair.js';

export interface SimPort {
  /** The daemon's end. */
  link: SerialLink;
  /** What the UI and logs show as the port. */
  path: string;
  stop(): Promise<void>;
}

export async function simSerialPort(name: string, dataDir: string, baudRate: number, log: Logger, attach: (far: Duplex) => void): Promise<SimPort> {
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
