// The only code that touches a real I2C bus: a thin shim over i2c-bus's
// promisified bus (/dev/i2c-N). Everything above it is tested through
// sim/sim-i2c-bus.ts. Loaded lazily so a missing native addon is a device
// fault, not a crash at import time.
import type { I2cBus } from './bus.js';

interface PromisifiedBus {
  readByte(addr: number, cmd: number): Promise<number>;
  writeByte(addr: number, cmd: number, byte: number): Promise<void>;
  readWord(addr: number, cmd: number): Promise<number>;
  writeWord(addr: number, cmd: number, word: number): Promise<void>;
  close(): Promise<void>;
}
interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBus>;
}

export async function openI2cBus(busNumber: number): Promise<I2cBus> {
  const name = 'i2c-bus'; // a variable specifier: the package ships no types; the shape is declared above
  const mod = (await import(name)) as { default: I2cBusModule };
  const bus = await mod.default.openPromisified(busNumber);
  return {
    busNumber,
    readByte: (a, r) => bus.readByte(a, r),
    writeByte: (a, r, b) => bus.writeByte(a, r, b),
    readWord: (a, r) => bus.readWord(a, r),
    writeWord: (a, r, w) => bus.writeWord(a, r, w),
    close: () => bus.close(),
  };
}
