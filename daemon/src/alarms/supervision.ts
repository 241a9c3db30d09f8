// Supervision (EN 81-28 and ARCHITECTURE.md "Emergency semantics"): turns
// what the hardware, FreeSWITCH and the uplink report into fault records
// that open when the cause appears and close when it goes.
//
// - Hardware events (stuck button, open/short loop, chip not answering) are
//   faults at once: the hardware layer already debounced and timed them.
// - FreeSWITCH and the uplink must be down for a grace period first, so a
//   restart or a broker failover does not raise and clear a fault each time.
// - Dispatch phones (every extension an escalation plan calls) are asked
//   about their registration every poll; two misses in a row are a fault,
//   because a phone re-registering can be absent for one poll.
import type { HardwareEvent } from '../../../hardware/src/index.js';
import type { ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import type { HealthRegistry } from '../health/health.js';
import type { Logger } from '../log/logger.js';
import type { CommandOutcome } from '../pbx/gateway.js';
import type { FaultBook } from './faults.js';

export interface SupervisedPbx {
  readonly connected: boolean;
  registered(extension: string): Promise<CommandOutcome<boolean>>;
}

export interface SupervisedBoard {
  isPressed(input: string): boolean;
  status(): Record<string, { status: string; detail: string }>;
}

export interface SupervisionOptions {
  pollMs?: number;
  freeswitchGraceMs?: number;
  uplinkGraceMs?: number;
  /** Consecutive polls a dispatch phone must be unregistered before it is a fault. */
  registrationMisses?: number;
  /** After start, hardware faults left open by the previous run and not seen again by then are closed. */
  reconcileAfterMs?: number;
}

export const FAULT_KEYS = {
  freeswitch: 'freeswitch:down',
  uplink: 'uplink:down',
  phone: (ext: string) => `phone:unregistered:${ext}`,
  stuck: (input: string) => `hardware:stuck:${input}`,
  wiring: (input: string) => `hardware:wiring:${input}`,
  device: (device: string) => `hardware:device:${device}`,
} as const;

/** Every extension an escalation plan rings: the dispatch desks. */
export function dispatchExtensions(config: Pick<Config, 'points'>): string[] {
  const all = config.points.flatMap((p) => p.escalation.targets.flatMap((t) => ('extension' in t ? [t.extension] : [])));
  return [...new Set(all)].sort();
}

const dur = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

export interface SupervisionContext {
  /** Read at each poll: the dispatch phones of the plans as they are now. */
  config: ConfigReader<Pick<Config, 'points'>>;
  faults: FaultBook;
  health: HealthRegistry;
  pbx: SupervisedPbx;
  /** Undefined when no broker is configured: then there is nothing to supervise. */
  uplink: { readonly connected: boolean } | undefined;
  board: SupervisedBoard;
  log: Logger;
}

export class Supervision {
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private fsDownSince: number | undefined;
  private uplinkDownSince: number | undefined;
  private readonly misses = new Map<string, number>();
  /** Hardware fault keys seen during this run. */
  private readonly seen = new Set<string>();
  private readonly o: Required<SupervisionOptions>;
  /** After the first reconcile, every poll looks for leftovers whose cause has gone (a device still starting at first). */
  private reconciling = false;

  private readonly config: ConfigReader<Pick<Config, 'points'>>;
  private readonly faults: FaultBook;
  private readonly health: HealthRegistry;
  private readonly pbx: SupervisedPbx;
  private readonly uplink: { readonly connected: boolean } | undefined;
  private readonly board: SupervisedBoard;
  private readonly log: Logger;

  constructor(ctx: SupervisionContext, o: SupervisionOptions = {}) {
    ({ config: this.config, faults: this.faults, health: this.health, pbx: this.pbx, uplink: this.uplink, board: this.board, log: this.log } = ctx);
    this.o = { pollMs: 15_000, freeswitchGraceMs: 30_000, uplinkGraceMs: 120_000, registrationMisses: 2, reconcileAfterMs: 15_000, ...o };
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
    this.reconcileTimer = setTimeout(() => void this.reconcile().catch((err: unknown) => this.log.error({ err }, 'fault reconcile failed')), this.o.reconcileAfterMs);
    this.reconcileTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.reconcileTimer);
    await this.polling;
    await this.faults.settled();
  }

  private where(input: string): string {
    const p = this.config.current.points.find((x) => x.input === input);
    return p ? `call point ${p.id} "${p.label}" (input ${input})` : `input ${input}`;
  }

  /** A hardware event from the board. Presses are the alarm service's, not ours. */
  hardware(e: HardwareEvent): void {
    switch (e.kind) {
      case 'stuck':
        this.seen.add(FAULT_KEYS.stuck(e.input));
        void this.faults.raise({ key: FAULT_KEYS.stuck(e.input), source: 'hardware', code: 'stuck', subject: e.input, detail: `${this.where(e.input)}: button held down too long (stuck, or jammed)${e.detail ? `: ${e.detail}` : ''}` });
        return;
      case 'unstuck':
      case 'released':
        void this.faults.clear(FAULT_KEYS.stuck(e.input));
        return;
      case 'wiring-fault':
        this.seen.add(FAULT_KEYS.wiring(e.input));
        void this.faults.raise({ key: FAULT_KEYS.wiring(e.input), source: 'hardware', code: 'wiring', subject: e.input, detail: `${this.where(e.input)}: wiring fault${e.detail ? `: ${e.detail}` : ''}` });
        return;
      case 'wiring-ok':
        void this.faults.clear(FAULT_KEYS.wiring(e.input));
        return;
      case 'device-fault':
        this.seen.add(FAULT_KEYS.device(e.device));
        void this.faults.raise({
          key: FAULT_KEYS.device(e.device), source: 'hardware', code: 'device', subject: e.device,
          detail: `${e.detail}${e.inputs.length ? ` — call points on it cannot raise an alarm: ${e.inputs.join(', ')}` : ''}`,
        });
        return;
      case 'device-ok':
        void this.faults.clear(FAULT_KEYS.device(e.device));
        return;
      case 'pressed':
      case 'long-press':
        return;
    }
  }

  /** One round of the periodic checks (exposed for tests). */
  poll(now = Date.now()): Promise<void> {
    this.polling ??= this.checkAll(now).finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async checkAll(now: number): Promise<void> {
    if (this.reconciling) await this.reconcile();
    const comps = this.health.snapshot().components;
    // FreeSWITCH.
    if (this.pbx.connected) {
      this.fsDownSince = undefined;
      await this.faults.clear(FAULT_KEYS.freeswitch);
    } else {
      this.fsDownSince ??= now;
      if (now - this.fsDownSince >= this.o.freeswitchGraceMs)
        await this.faults.raise({ key: FAULT_KEYS.freeswitch, source: 'freeswitch', code: 'down', detail: `FreeSWITCH unreachable for more than ${dur(this.o.freeswitchGraceMs)}: ${comps.freeswitch.detail}. Emergency calls cannot be placed.` });
    }
    // The uplink to central.
    if (this.uplink) {
      if (this.uplink.connected) {
        this.uplinkDownSince = undefined;
        await this.faults.clear(FAULT_KEYS.uplink);
      } else {
        this.uplinkDownSince ??= now;
        if (now - this.uplinkDownSince >= this.o.uplinkGraceMs)
          await this.faults.raise({ key: FAULT_KEYS.uplink, source: 'uplink', code: 'down', detail: `no connection to central for more than ${dur(this.o.uplinkGraceMs)} (${comps.uplink.detail.replace(/;.*$/, '')}). Alarms are kept and sent when it returns.` });
      }
    }
    // Dispatch phones: only answerable while FreeSWITCH is there (its loss is its own fault).
    if (!this.pbx.connected) return;
    for (const ext of dispatchExtensions(this.config.current)) {
      const r = await this.pbx.registered(ext);
      if (!r.ok) continue;
      if (r.value) {
        this.misses.delete(ext);
        await this.faults.clear(FAULT_KEYS.phone(ext));
      } else {
        const n = (this.misses.get(ext) ?? 0) + 1;
        this.misses.set(ext, n);
        if (n >= this.o.registrationMisses)
          await this.faults.raise({ key: FAULT_KEYS.phone(ext), source: 'phone', code: 'unregistered', subject: ext, detail: `dispatch phone ${ext} is not registered with FreeSWITCH: emergency calls to it fail and go to the next target` });
      }
    }
  }

  /** Close faults the previous run left open whose cause is gone (checked again on every poll after the first). */
  private async reconcile(): Promise<void> {
    this.reconciling = true;
    const status = this.board.status();
    const desks = new Set(dispatchExtensions(this.config.current));
    for (const f of await this.faults.open()) {
      // What the configuration no longer has cannot be faulty.
      if ((f.source === 'phone' && f.subject && !desks.has(f.subject)) || (f.key === FAULT_KEYS.uplink && !this.uplink)) {
        await this.faults.clear(f.key);
        continue;
      }
      if (f.source !== 'hardware' || this.seen.has(f.key) || !f.subject) continue;
      const gone =
        f.code === 'stuck' ? !this.board.isPressed(f.subject) : f.code === 'device' ? status[f.subject]?.status === 'ok' : true;
      if (gone) {
        this.log.info({ fault: f.key }, 'a fault from before the restart is no longer present');
        await this.faults.clear(f.key);
      }
    }
  }
}
