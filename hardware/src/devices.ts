// Where lines and buses come from: the real shims on a board, or simulated
// lines, buses and chip models in tests and simulation mode. The Board is the
// same code either way (STYLE.md 6: simulation swaps the source, not the logic).
import { GpioUnavailableError, type GpioLine } from './gpio/line.js';
import { openSysfsGpio, type SysfsDirection, type SysfsOptions } from './gpio/sysfs-line.js';
import type { I2cBus } from './i2c/bus.js';
import { openI2cBus } from './i2c/i2c-bus-shim.js';
import { mcpPinIndex } from './i2c/mcp23017.js';
import { loopVoltages } from './i2c/supervised-loop.js';
import type { BoardProfile } from './boards/schema.js';
import { Ads1115Model } from './sim/ads1115-model.js';
import { Lm75Model } from './sim/lm75-model.js';
import { Mcp23017Model } from './sim/mcp23017-model.js';
import { SimGpio } from './sim/sim-gpio.js';
import { SimI2cBus } from './sim/sim-i2c-bus.js';

export interface DeviceFactory {
  readonly kind: 'real' | 'sim';
  /** Rejects with GpioUnavailableError (a message for the technician). */
  openGpio(sysfsNumber: number, dir: SysfsDirection): Promise<GpioLine>;
  /** Rejects when the bus cannot be opened (ENOENT, EACCES). */
  openI2c(busNumber: number): Promise<I2cBus>;
}

export class RealDeviceFactory implements DeviceFactory {
  readonly kind = 'real';
  constructor(private readonly sysfs: SysfsOptions = {}) {}

  openGpio(sysfsNumber: number, dir: SysfsDirection): Promise<GpioLine> {
    return openSysfsGpio(sysfsNumber, dir, this.sysfs);
  }

  openI2c(busNumber: number): Promise<I2cBus> {
    return openI2cBus(busNumber);
  }
}

type Model = Mcp23017Model | Ads1115Model | Lm75Model;

export class SimDeviceFactory implements DeviceFactory {
  readonly kind = 'sim';
  private readonly lines = new Map<number, SimGpio>();
  private readonly buses = new Map<number, SimI2cBus>();
  private readonly models = new Map<string, Model>();
  /** Set to make every GPIO open fail as on a kernel without sysfs GPIO. */
  gpioUnavailable: string | undefined;

  constructor(readonly profile: BoardProfile) {
    const base = profile.gpio.base;
    for (const inp of profile.inputs) {
      if (inp.source.kind === 'gpio') this.gpio(base + inp.source.bcm, inp.activeLow ? 1 : 0);
    }
    for (const d of profile.i2c) {
      const bus = this.bus(d.bus);
      let model: Model;
      switch (d.type) {
        case 'mcp23017':
          model = new Mcp23017Model(d.intGpio === undefined ? undefined : this.gpio(base + d.intGpio, 1));
          break;
        case 'ads1115':
          model = new Ads1115Model();
          break;
        case 'lm75':
          model = new Lm75Model(d.resolution);
          break;
      }
      this.models.set(d.id, model);
      bus.attach(d.address, model);
    }
    // Supervised loops start in their normal (idle) state.
    for (const inp of profile.inputs) {
      if (inp.source.kind === 'ads1115') this.ads(inp.source.device).setVolts(inp.source.channel, loopVoltages(inp.source.wiring).normal);
    }
  }

  /** The simulated line with this sysfs number (created at `initial` on first use). */
  gpio(sysfsNumber: number, initial: 0 | 1 = 1): SimGpio {
    let l = this.lines.get(sysfsNumber);
    if (!l) {
      l = new SimGpio(`gpio${sysfsNumber}`, initial);
      this.lines.set(sysfsNumber, l);
    }
    return l;
  }

  bus(busNumber: number): SimI2cBus {
    let b = this.buses.get(busNumber);
    if (!b) {
      b = new SimI2cBus(busNumber);
      this.buses.set(busNumber, b);
    }
    return b;
  }

  mcp(id: string): Mcp23017Model {
    return this.model(id, Mcp23017Model);
  }

  ads(id: string): Ads1115Model {
    return this.model(id, Ads1115Model);
  }

  lm75(id: string): Lm75Model {
    return this.model(id, Lm75Model);
  }

  /** Unplug (false) or plug back (true) the chip of profile device `id`. */
  setPresent(id: string, present: boolean): void {
    const d = this.profile.i2c.find((x) => x.id === id);
    if (!d) throw new Error(`no I2C device "${id}" in board profile ${this.profile.name}`);
    this.bus(d.bus).setPresent(d.address, present);
  }

  /** Drive the input as a person would: press (true) or let go (false). */
  drive(inputId: string, pressed: boolean): void {
    const inp = this.profile.inputs.find((x) => x.id === inputId);
    if (!inp) throw new Error(`no input "${inputId}" in board profile ${this.profile.name}`);
    const src = inp.source;
    switch (src.kind) {
      case 'gpio':
        this.gpio(this.profile.gpio.base + src.bcm).setLevel(pressed === inp.activeLow ? 0 : 1);
        break;
      case 'mcp23017':
        // Released and active-low: the contact is open and the pull-up holds the pin high.
        this.mcp(src.device).setInput(mcpPinIndex(src.pin), pressed ? (inp.activeLow ? 0 : 1) : inp.activeLow ? undefined : 0);
        break;
      case 'ads1115': {
        const v = loopVoltages(src.wiring);
        this.ads(src.device).setVolts(src.channel, pressed ? v.pressed : v.normal);
        break;
      }
    }
  }

  async openGpio(sysfsNumber: number, dir: SysfsDirection): Promise<GpioLine> {
    if (this.gpioUnavailable !== undefined) throw new GpioUnavailableError(this.gpioUnavailable);
    return this.gpio(sysfsNumber, dir.direction === 'out' ? dir.initial : 1);
  }

  async openI2c(busNumber: number): Promise<I2cBus> {
    return this.bus(busNumber);
  }

  private model<T extends Model>(id: string, cls: new (...args: never[]) => T): T {
    const m = this.models.get(id);
    if (!(m instanceof cls)) throw new Error(`no simulated ${cls.name.replace('Model', '')} "${id}" in board profile ${this.profile.name}`);
    return m;
  }
}
