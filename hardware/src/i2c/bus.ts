// The I2C bus as drivers see it: the SMBus subset the drivers need. The real
// shim (i2c-bus-shim.ts) and the simulated bus (sim/sim-i2c-bus.ts) implement it.
//
// Byte order: SMBus "read/write word" puts the LOW byte first on the wire.
// The MCP23017 with sequential addressing likes that (register A then B =
// low then high byte); the ADS1115 and LM75 send the MOST significant byte
// first, so their drivers use readWordBE/writeWordBE below.

export interface I2cBus {
  readonly busNumber: number;
  readByte(addr: number, reg: number): Promise<number>;
  writeByte(addr: number, reg: number, byte: number): Promise<void>;
  /** SMBus read word data: first byte on the wire in bits 0–7. */
  readWord(addr: number, reg: number): Promise<number>;
  /** SMBus write word data: bits 0–7 go first on the wire. */
  writeWord(addr: number, reg: number, word: number): Promise<void>;
  close(): Promise<void>;
}

export const swap16 = (w: number): number => ((w & 0xff) << 8) | ((w >> 8) & 0xff);

export async function readWordBE(bus: I2cBus, addr: number, reg: number): Promise<number> {
  return swap16(await bus.readWord(addr, reg));
}

export async function writeWordBE(bus: I2cBus, addr: number, reg: number, word: number): Promise<void> {
  await bus.writeWord(addr, reg, swap16(word));
}

/** The kernel's answers when nothing acknowledges the address (i2c-bcm2835 gives EREMOTEIO; others ENXIO or EIO). */
export const NO_ACK_CODES: ReadonlySet<string> = new Set(['EREMOTEIO', 'ENXIO', 'EIO']);

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNoAck(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && NO_ACK_CODES.has(code);
}

export const hex = (addr: number): string => `0x${addr.toString(16).padStart(2, '0')}`;

/** "MCP23017 at 0x20 on bus 1" */
export const deviceLabel = (type: string, busNumber: number, addr: number): string => `${type} at ${hex(addr)} on bus ${busNumber}`;

/** The status detail for a failed transaction. */
export function describeI2cError(label: string, err: unknown): string {
  if (isNoAck(err)) return `${label} does not answer`;
  const code = errorCode(err);
  if (code === 'ENOENT') return `${label}: the I2C bus device is missing (enable I2C, e.g. dtparam=i2c_arm=on)`;
  if (code === 'EACCES') return `${label}: no permission on the I2C bus device (i2c group)`;
  return `${label}: ${err instanceof Error ? err.message : String(err)}`;
}
