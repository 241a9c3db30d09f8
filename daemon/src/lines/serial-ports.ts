// How the line services get their serial ports: on a board, the configured
// /dev path through serialport; in simulation, a `sim:NAME` port with a
// simulated device at the far end (daemon/src/sim/serial-devices.ts). The
// line services see only this interface and carry no simulation code.
import type { RootLogger } from '../log/logger.js';
import type { SerialLink } from '../../../hardware/src/serial/link.js';

export type SerialDeviceKind = 'modem' | 'card';

export interface OpenedPort {
  link: SerialLink;
  /** What the UI and logs show as the port. */
  path: string;
}

export interface SerialPortOpener {
  open(kind: SerialDeviceKind, id: string, port: string, baud: number): Promise<OpenedPort>;
  /** Release what open() made beyond the link itself (simulated devices). */
  stop(): Promise<void>;
}

/** Real serial ports. A `sim:` port is refused with the reason. */
export function hardwareSerialPorts(logger: RootLogger): SerialPortOpener {
  return {
    async open(kind, id, port, baud) {
      if (port.startsWith('sim:')) throw new Error(`lines: ${kind} ${id} has port ${port}, which exists in simulation mode only (--simulate=lines)`);
      const { SerialPortLink } = await import('../../../hardware/src/serial/serialport-link.js');
      const log = logger.ns(kind === 'modem' ? 'lines:gsm:port' : 'lines:card:port');
      return { link: new SerialPortLink({ path: port, baudRate: baud, log }), path: port };
    },
    async stop() {},
  };
}
