// What the GSM driver knows about its modem, its faults and the snapshot it
// publishes (for /api/health and the UI). Changes are announced as events:
// `status` when the snapshot differs, `fault` / `fault-cleared` per fault.
// The PIN never appears here.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { bestRegistration, isRegistered, type Registration } from './signal.js';
import type { GsmFault, GsmFaultCode, GsmState, GsmStatus, SimState } from './types.js';

export interface StatusSink {
  status: (s: GsmStatus) => void;
  fault: (f: GsmFault) => void;
  cleared: (f: GsmFault) => void;
}

export const SIM_FAULTS: readonly GsmFaultCode[] = ['no-sim', 'pin-required', 'wrong-pin', 'sim-puk'];

export class ModemStatus {
  sim: SimState = 'unknown';
  /** Circuit-switched (+CREG) and EPS (+CEREG) registration. */
  creg: Registration | undefined;
  cereg: Registration | undefined;
  operator: string | undefined;
  rssi: number | undefined;
  dbm: number | undefined;
  bars = 0;
  imei: string | undefined;
  iccid: string | undefined;
  imsi: string | undefined;
  /** 'stopped' before start()/after stop(), 'init' while (re)initialising, 'run' otherwise. */
  phase: 'stopped' | 'init' | 'run' = 'stopped';
  private readonly faults = new Map<GsmFaultCode, string>();
  private state: GsmState = 'stopped';
  private since: number;
  private last = '';
  private notRegisteredSince: number | undefined;
  private noSignalSince: number | undefined;

  constructor(
    private readonly id: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly sink: StatusSink,
    private readonly registrationGraceMs: number,
    private readonly signalGraceMs: number,
  ) {
    this.since = clock.now();
  }

  registration(): Registration {
    return bestRegistration(this.creg, this.cereg);
  }

  has(code: GsmFaultCode): boolean {
    return this.faults.has(code);
  }

  /** The detail of the first of `codes` that is raised. */
  detailOf(codes: readonly GsmFaultCode[]): string | undefined {
    for (const c of codes) {
      const d = this.faults.get(c);
      if (d !== undefined) return d;
    }
    return undefined;
  }

  setFault(code: GsmFaultCode, detail: string): void {
    if (this.faults.get(code) === detail) return;
    const fresh = !this.faults.has(code);
    this.faults.set(code, detail);
    if (fresh) this.log.warn({ fault: code }, detail);
    this.sink.fault({ code, detail });
    this.update();
  }

  clearFault(code: GsmFaultCode): void {
    const detail = this.faults.get(code);
    if (detail === undefined) return;
    this.faults.delete(code);
    this.log.info({ fault: code }, `cleared: ${detail}`);
    this.sink.cleared({ code, detail });
    this.update();
  }

  /** Raise or clear the time-based faults (not-registered, no-signal) after their grace periods. */
  evaluate(): void {
    const now = this.clock.now();
    const reg = this.registration();
    if (this.sim === 'ready' && !isRegistered(reg)) {
      this.notRegisteredSince ??= now;
      if (now - this.notRegisteredSince >= this.registrationGraceMs) {
        this.setFault('not-registered', `not registered on a network for ${Math.round((now - this.notRegisteredSince) / 1000)} s (${reg}${reg === 'denied' ? ': the network refuses this SIM' : ''})`);
      }
    } else {
      this.notRegisteredSince = undefined;
      this.clearFault('not-registered');
    }
    const noSignal = this.rssi === 0 || this.rssi === 99;
    if (noSignal) {
      this.noSignalSince ??= now;
      if (now - this.noSignalSince >= this.signalGraceMs) {
        this.setFault('no-signal', `no usable radio signal (+CSQ rssi ${this.rssi}) for ${Math.round((now - this.noSignalSince) / 1000)} s: check the antenna and its cable`);
      }
    } else {
      this.noSignalSince = undefined;
      this.clearFault('no-signal');
    }
    this.update();
  }

  /** Forget what only a live modem can tell (the port closed). Identity and faults stay. */
  lost(): void {
    this.rssi = undefined;
    this.dbm = undefined;
    this.bars = 0;
    this.creg = undefined;
    this.cereg = undefined;
    this.operator = undefined;
  }

  snapshot(): GsmStatus {
    const s: GsmStatus = {
      id: this.id,
      state: this.state,
      sim: this.sim,
      registration: this.registration(),
      bars: this.bars,
      faults: [...this.faults].map(([code, detail]) => ({ code, detail })),
      since: this.since,
    };
    if (this.operator !== undefined) s.operator = this.operator;
    if (this.rssi !== undefined) s.rssi = this.rssi;
    if (this.dbm !== undefined) s.dbm = this.dbm;
    if (this.imei !== undefined) s.imei = this.imei;
    if (this.iccid !== undefined) s.iccid = this.iccid;
    if (this.imsi !== undefined) s.imsi = this.imsi;
    return s;
  }

  /** Recompute the state; emit `status` when the snapshot changed. */
  update(): void {
    const state: GsmState = this.phase === 'stopped' ? 'stopped' : this.phase === 'init' ? 'starting' : this.faults.size ? 'fault' : 'ready';
    if (state !== this.state) {
      this.state = state;
      this.since = this.clock.now();
      this.log.info({ state }, `GSM modem ${state}`);
    }
    const snap = this.snapshot();
    const json = JSON.stringify(snap);
    if (json === this.last) return;
    this.last = json;
    this.sink.status(snap);
  }
}
