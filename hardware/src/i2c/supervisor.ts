// Keeps one I2C device in service: configures it, polls it, and when a
// transaction fails (no ACK: unplugged, unpowered, a broken bus) reports a
// fault status and retries the configuration every `retryMs` until the chip
// answers again. A missing device is a status, never a crash.
//
// All transactions of one device go through run(), one at a time, so an
// interrupt service and a poll never interleave their register accesses.
import type { Cancel, Clock } from '../clock.js';
import type { DeviceStatus } from '../status.js';
import { describeI2cError } from './bus.js';

export interface SupervisedDevice {
  /** "MCP23017 at 0x20 on bus 1" */
  readonly label: string;
  /** (Re)configure the chip; runs at start and after every fault. */
  init(): Promise<void>;
  /** Periodic work (sampling, a safety-net read). */
  poll(): Promise<void>;
}

export interface SupervisorOptions {
  pollMs: number;
  retryMs: number;
}

export class DeviceSupervisor {
  private state: DeviceStatus;
  private chain: Promise<void> = Promise.resolve();
  private cancelTimer: Cancel | undefined;
  private running = false;
  private stopping = false;

  constructor(
    private readonly device: SupervisedDevice,
    private readonly opts: SupervisorOptions,
    private readonly clock: Clock,
    private readonly onStatus: (s: DeviceStatus, previous: DeviceStatus) => void,
  ) {
    this.state = { status: 'stopped', detail: `${device.label}: not started`, since: clock.now() };
  }

  get status(): DeviceStatus {
    return this.state;
  }

  start(): void {
    this.running = true;
    this.stopping = false;
    this.set('starting', `${this.device.label}: starting`);
    this.schedule(0, true);
  }

  /** Stops polling and retries; transactions already queued (the safe-state writes) still run. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.chain;
    this.running = false;
    this.set('stopped', `${this.device.label}: stopped`);
  }

  /**
   * Run `op` after the device's other transactions. Failures become the
   * device's fault status (and a retry); they are not thrown. Returns false
   * when the op failed or the device is not in service.
   */
  run(op: () => Promise<void>): Promise<boolean> {
    const result = this.chain.then(async () => {
      if (!this.running || this.state.status !== 'ok') return false;
      try {
        await op();
        return true;
      } catch (err) {
        this.fault(err);
        return false;
      }
    });
    this.chain = result.then(() => undefined);
    return result;
  }

  private schedule(ms: number, init: boolean): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.stopping) return;
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      const p = init ? this.tryInit() : this.run(() => this.device.poll());
      void p.then(() => {
        if (this.running && this.state.status === 'ok' && !this.cancelTimer) this.schedule(this.opts.pollMs, false);
      });
    }, ms);
  }

  private tryInit(): Promise<boolean> {
    const result = this.chain.then(async () => {
      if (!this.running) return false;
      try {
        await this.device.init();
        this.set('ok', `${this.device.label}: ok`);
        return true;
      } catch (err) {
        this.fault(err);
        return false;
      }
    });
    this.chain = result.then(() => undefined);
    return result;
  }

  private fault(err: unknown): void {
    if (!this.running || this.stopping) return;
    this.set('fault', describeI2cError(this.device.label, err));
    this.schedule(this.opts.retryMs, true);
  }

  private set(status: DeviceStatus['status'], detail: string): void {
    const previous = this.state;
    if (previous.status === status && previous.detail === detail) return;
    this.state = { status, detail, since: previous.status === status ? previous.since : this.clock.now() };
    this.onStatus(this.state, previous);
  }
}
