// The hardware of one Callpoint board, built from a board profile and a
// device factory (real or simulated): call-point inputs as typed events,
// outputs by id, a status per device for health and the UI.
//
// Safe state: start() puts every output in its profile `safe` state before
// any device is in service, and stop() puts them back there (waiting for the
// expander writes) and leaves sysfs outputs exported, so they keep driving
// that level after the process ends. What a crash cannot run is covered by
// hardware: see README "Safe state and crashes".
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { Emitter } from './emitter.js';
import type { BoardProfile, I2cDeviceProfile, InputProfile } from './boards/schema.js';
import type { DeviceFactory } from './devices.js';
import { DebouncedInput, type DebouncedInputEvents } from './gpio/debounced-input.js';
import type { GpioLine, Level } from './gpio/line.js';
import { Output } from './gpio/output.js';
import { VirtualLine } from './gpio/virtual-line.js';
import { Ads1115, ADS1115_REG } from './i2c/ads1115.js';
import { readWordBE, type I2cBus } from './i2c/bus.js';
import { Lm75 } from './i2c/lm75.js';
import { Mcp23017 } from './i2c/mcp23017.js';
import { classifyLoop, type LoopState } from './i2c/supervised-loop.js';
import { DeviceSupervisor, type SupervisedDevice } from './i2c/supervisor.js';
import type { DeviceStatus } from './status.js';

export type InputEventKind = 'pressed' | 'released' | 'long-press' | 'stuck' | 'unstuck' | 'wiring-fault' | 'wiring-ok';

export type HardwareEvent =
  | { kind: InputEventKind; input: string; at: number; detail?: string }
  /** A chip (or the GPIO controller, device "gpio") stopped or resumed answering; `inputs` are the points it serves. */
  | { kind: 'device-fault' | 'device-ok'; device: string; inputs: string[]; at: number; detail: string };

export interface BoardContext {
  log: Logger;
  clock?: Clock;
}

export interface HardwareHealth {
  status: 'ok' | 'degraded' | 'down';
  detail: string;
}

interface LoopInput {
  input: InputProfile & { source: { kind: 'ads1115' } };
  line: VirtualLine;
  badSamples: number;
  fault: LoopState | undefined;
}

const GPIO_DEVICE = 'gpio';
const DEBOUNCED_EVENTS: (keyof DebouncedInputEvents)[] = ['pressed', 'released', 'long-press', 'stuck', 'unstuck'];

export class Board extends Emitter<{ event: [HardwareEvent] }> {
  readonly name = 'hardware';
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly inputs = new Map<string, DebouncedInput>();
  private readonly outputsById = new Map<string, Output>();
  private readonly supervisors = new Map<string, DeviceSupervisor>();
  private readonly buses = new Map<number, I2cBus>();
  private readonly lines: { line: GpioLine; output: boolean }[] = [];
  private readonly temps = new Map<string, Lm75>();
  private gpioStatus: DeviceStatus | undefined;
  private started = false;

  constructor(
    readonly profile: BoardProfile,
    private readonly factory: DeviceFactory,
    ctx: BoardContext,
  ) {
    super((err) => ctx.log.error({ err }, 'hardware event listener failed'));
    this.clock = ctx.clock ?? systemClock;
    this.log = ctx.log;
  }

  /** Subscribe to every hardware event; returns the unsubscribe function. */
  onEvent(cb: (e: HardwareEvent) => void): () => void {
    return this.on('event', cb);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const p = this.profile;
    const drivers = new Map<string, { mcp?: Mcp23017; ads?: Ads1115; loops: LoopInput[] }>();
    for (const d of p.i2c) {
      const bus = this.bus(d.bus);
      switch (d.type) {
        case 'mcp23017':
          drivers.set(d.id, { mcp: new Mcp23017(bus, d.address, d.id), loops: [] });
          break;
        case 'ads1115':
          drivers.set(d.id, { ads: new Ads1115(bus, d.address, { fsr: d.fsr, dataRate: d.dataRate }, this.clock), loops: [] });
          break;
        case 'lm75':
          this.temps.set(d.id, new Lm75(bus, d.address, d.resolution));
          drivers.set(d.id, { loops: [] });
          break;
      }
    }

    // Supervisors before any line: every transaction (the outputs' safe-state writes too) runs through one.
    for (const d of p.i2c) {
      const drv = drivers.get(d.id)!;
      const sup = new DeviceSupervisor(this.supervised(d, drv), { pollMs: d.pollMs, retryMs: d.retryMs }, this.clock, (s, prev) => this.deviceStatusChanged(d.id, s, prev));
      this.supervisors.set(d.id, sup);
      if (drv.mcp) drv.mcp.runner = (op) => sup.run(op);
    }

    // Outputs first, each at its safe level from the moment it is a driven line.
    for (const o of p.outputs) {
      const opts = { activeLow: o.activeLow, safe: o.safe };
      const initial = Output.safeLevel(opts);
      const line = o.target.kind === 'gpio' ? await this.openGpio(o.target.bcm, initial, o.id) : drivers.get(o.target.device)!.mcp!.output(o.target.pin, initial);
      if (!line) continue;
      this.lines.push({ line, output: true });
      const out = new Output(o.id, line, opts, this.clock);
      out.safe();
      this.outputsById.set(o.id, out);
    }

    for (const inp of p.inputs) {
      const src = inp.source;
      let line: GpioLine | undefined;
      let activeLow = inp.activeLow;
      switch (src.kind) {
        case 'gpio':
          line = await this.openGpio(src.bcm, undefined, inp.id);
          break;
        case 'mcp23017':
          line = drivers.get(src.device)!.mcp!.input(src.pin);
          break;
        case 'ads1115': {
          // The loop's classification drives a virtual line: 1 = pressed.
          const loop: LoopInput = { input: { ...inp, source: src }, line: new VirtualLine(`${src.device}.ch${src.channel}`, 0), badSamples: 0, fault: undefined };
          drivers.get(src.device)!.loops.push(loop);
          line = loop.line;
          activeLow = false;
          break;
        }
      }
      if (!line) continue;
      this.lines.push({ line, output: false });
      const di = new DebouncedInput(line, { activeLow, debounceMs: inp.debounceMs, longPressMs: inp.longPressMs, stuckAfterMs: inp.stuckAfterMs }, this.clock, (err) =>
        this.log.error({ err }, 'input listener failed'),
      );
      for (const kind of DEBOUNCED_EVENTS) di.on(kind, (at) => this.emitEvent({ kind, input: inp.id, at }));
      this.inputs.set(inp.id, di);
    }

    // MCP23017 INT lines; without one (or if it cannot be opened) the chip is only polled.
    for (const d of p.i2c) {
      const mcp = drivers.get(d.id)!.mcp;
      if (!mcp || d.type !== 'mcp23017' || d.intGpio === undefined) continue;
      const intLine = await this.openGpio(d.intGpio, undefined, `${d.id}.int`);
      if (!intLine) continue;
      this.lines.push({ line: intLine, output: false });
      intLine.watch((level) => {
        if (level === 0) void mcp.serviceInterrupt();
      });
    }
    for (const di of this.inputs.values()) di.start();
    for (const sup of this.supervisors.values()) sup.start();
    this.log.info({ board: p.name, factory: this.factory.kind, inputs: this.inputs.size, outputs: this.outputsById.size }, 'hardware started');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const di of this.inputs.values()) di.stop();
    for (const o of this.outputsById.values()) o.safe();
    // Supervisors finish queued transactions (the safe-state OLAT writes) before stopping.
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    for (const { line, output } of this.lines) {
      // Outputs stay exported and driven at the safe level; inputs are released.
      if (output) continue;
      try {
        line.unwatch();
        line.close();
      } catch (err) {
        this.log.warn({ err, line: line.name }, 'closing a line failed');
      }
    }
    for (const bus of this.buses.values()) {
      try {
        await bus.close();
      } catch (err) {
        this.log.warn({ err, bus: bus.busNumber }, 'closing an I2C bus failed');
      }
    }
    this.log.info('hardware stopped, outputs in their safe state');
  }

  output(id: string): Output {
    const o = this.outputsById.get(id);
    if (!o) throw new Error(`no output "${id}" on board ${this.profile.name} (or its line could not be opened)`);
    return o;
  }

  outputIds(): string[] {
    return [...this.outputsById.keys()];
  }

  inputIds(): string[] {
    return this.profile.inputs.map((i) => i.id);
  }

  /** Debounced state of an input (false when its line could not be opened). */
  isPressed(id: string): boolean {
    return this.inputs.get(id)?.isPressed() ?? false;
  }

  /** Status of every device: "gpio" (when the profile uses SoC GPIO) and each I2C chip by id. */
  status(): Record<string, DeviceStatus> {
    const out: Record<string, DeviceStatus> = {};
    if (this.gpioStatus) out[GPIO_DEVICE] = this.gpioStatus;
    for (const [id, sup] of this.supervisors) out[id] = sup.status;
    return out;
  }

  /** The `hardware` component of /api/health. */
  health(): HardwareHealth {
    const st = this.status();
    const faults = Object.entries(st).filter(([, s]) => s.status === 'fault');
    if (!faults.length) return { status: 'ok', detail: `${this.inputs.size} inputs, ${this.outputsById.size} outputs; every device answers` };
    const dead = new Set(faults.map(([id]) => id));
    const working = this.profile.inputs.filter((i) => !dead.has(this.deviceOf(i)));
    return { status: working.length ? 'degraded' : 'down', detail: faults.map(([, s]) => s.detail).join('; ') };
  }

  /** Last temperature of each LM75 (°C), null before a reading or while it is faulty. */
  temperatures(): Record<string, number | null> {
    return Object.fromEntries([...this.temps].map(([id, t]) => [id, this.supervisors.get(id)?.status.status === 'ok' ? t.lastCelsius : null]));
  }

  private deviceOf(i: InputProfile): string {
    return i.source.kind === 'gpio' ? GPIO_DEVICE : i.source.device;
  }

  private emitEvent(e: HardwareEvent): void {
    this.log.info(e, `hardware ${e.kind}`);
    this.emit('event', e);
  }

  private bus(n: number): I2cBus {
    let b = this.buses.get(n);
    if (!b) {
      b = reopeningBus(n, this.factory);
      this.buses.set(n, b);
    }
    return b;
  }

  /** Opens a SoC GPIO (an output at `initial`); a failure is the gpio device's fault status, never a throw. */
  private async openGpio(bcm: number, initial: Level | undefined, what: string): Promise<GpioLine | undefined> {
    const n = this.profile.gpio.base + bcm;
    try {
      const line = await this.factory.openGpio(n, initial === undefined ? { direction: 'in' } : { direction: 'out', initial });
      if (!this.gpioStatus) this.gpioStatus = { status: 'ok', detail: 'GPIO: ok', since: this.clock.now() };
      return line;
    } catch (err) {
      const detail = (err as Error).message;
      this.log.error({ err, gpio: n, for: what }, detail);
      if (this.gpioStatus?.status !== 'fault') {
        this.gpioStatus = { status: 'fault', detail, since: this.clock.now() };
        const inputs = this.profile.inputs.filter((i) => i.source.kind === 'gpio').map((i) => i.id);
        this.emitEvent({ kind: 'device-fault', device: GPIO_DEVICE, inputs, at: this.clock.now(), detail });
      }
      return undefined;
    }
  }

  private deviceStatusChanged(id: string, s: DeviceStatus, prev: DeviceStatus): void {
    const inputs = this.profile.inputs.filter((i) => this.deviceOf(i) === id).map((i) => i.id);
    if (s.status === 'fault' && prev.status !== 'fault') this.emitEvent({ kind: 'device-fault', device: id, inputs, at: s.since, detail: s.detail });
    else if (s.status === 'ok' && prev.status === 'fault') this.emitEvent({ kind: 'device-ok', device: id, inputs, at: s.since, detail: s.detail });
  }

  private supervised(d: I2cDeviceProfile, drv: { mcp?: Mcp23017; ads?: Ads1115; loops: LoopInput[] }): SupervisedDevice {
    switch (d.type) {
      case 'mcp23017':
        return drv.mcp!;
      case 'ads1115': {
        const ads = drv.ads!;
        return {
          label: ads.label,
          // Reading Config proves the chip answers.
          init: async () => void (await readWordBE(this.bus(d.bus), d.address, ADS1115_REG.CONFIG)),
          poll: async () => {
            for (const loop of drv.loops) this.loopSample(loop, await ads.readVolts(loop.input.source.channel));
          },
        };
      }
      case 'lm75': {
        const t = this.temps.get(d.id)!;
        return {
          label: t.label,
          init: async () => {
            await t.init();
            await t.readCelsius();
          },
          poll: async () => void (await t.readCelsius()),
        };
      }
    }
  }

  /** One supervised-loop sample: pressed/normal drive the button line; open/short held for faultSamples are a wiring fault. */
  private loopSample(loop: LoopInput, volts: number): void {
    const src = loop.input.source;
    const state = classifyLoop(volts, src.thresholds);
    const at = this.clock.now();
    switch (state) {
      case 'normal':
      case 'pressed':
        loop.badSamples = 0;
        if (loop.fault) {
          loop.fault = undefined;
          this.emitEvent({ kind: 'wiring-ok', input: loop.input.id, at, detail: `${state} (${volts.toFixed(2)} V)` });
        }
        loop.line.setLevel(state === 'pressed' ? 1 : 0);
        break;
      case 'open':
      case 'short':
        loop.badSamples++;
        if (loop.badSamples >= src.faultSamples && loop.fault !== state) {
          loop.fault = state;
          // The button cannot be read through a broken loop: it counts as not pressed, and the fault is the alarm.
          loop.line.setLevel(0);
          const what = state === 'open' ? 'open circuit (cable cut or EOL resistor missing)' : 'short circuit';
          this.emitEvent({ kind: 'wiring-fault', input: loop.input.id, at, detail: `${what} at ${volts.toFixed(2)} V` });
        }
        break;
    }
  }
}

/** A bus opened on first use and opened again after a failed open, so a missing /dev/i2c-N is a retried device fault. */
function reopeningBus(busNumber: number, factory: DeviceFactory): I2cBus {
  let opening: Promise<I2cBus> | undefined;
  const get = () => {
    opening ??= factory.openI2c(busNumber).catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
  return {
    busNumber,
    readByte: async (a, r) => (await get()).readByte(a, r),
    writeByte: async (a, r, b) => (await get()).writeByte(a, r, b),
    readWord: async (a, r) => (await get()).readWord(a, r),
    writeWord: async (a, r, w) => (await get()).writeWord(a, r, w),
    close: async () => {
      if (opening) await (await opening).close();
      opening = undefined;
    },
  };
}

