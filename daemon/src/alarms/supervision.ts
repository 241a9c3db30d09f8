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
import type { CommandOutcome, PbxLink, RegistrationChange } from '../pbx/gateway.js';
import { english, phrase, type Phrase } from '../contracts/phrases/index.js';
import type { FaultBook } from './faults.js';

export interface SupervisedPbx {
  readonly connected: boolean;
  /** up, down, or hung: connected but answering nothing (a frozen FreeSWITCH). */
  readonly link: PbxLink;
  registered(extension: string): Promise<CommandOutcome<boolean>>;
  onLink(fn: (link: PbxLink) => void): () => void;
  onRegistration(fn: (r: RegistrationChange) => void): () => void;
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
  /** A dispatch phone that unregistered or expired is checked again this much later (time to re-register) before it is a fault. */
  registrationGraceMs?: number;
}

export const FAULT_KEYS = {
  freeswitch: 'freeswitch:down',
  freeswitchHung: 'freeswitch:hung',
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

const dur = (ms: number): Phrase => (ms < 120_000 ? phrase('dur.s', { n: Math.round(ms / 1000) }) : phrase('dur.min', { n: Math.round(ms / 60_000) }));

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
    this.o = { pollMs: 15_000, freeswitchGraceMs: 30_000, uplinkGraceMs: 120_000, registrationMisses: 2, reconcileAfterMs: 15_000, registrationGraceMs: 5000, ...o };
  }

  private readonly offs: Array<() => void> = [];
  private readonly recheck = new Map<string, NodeJS.Timeout>();
  private downTimer: NodeJS.Timeout | undefined;

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
    // A frozen FreeSWITCH keeps its socket open: the gateway notices it does not answer; that is a fault at once
    // (the noticing itself took seconds of silence), and it clears when FreeSWITCH answers again.
    this.offs.push(this.pbx.onLink((link) => void this.linkChanged(link)));
    // A desk phone logging off or expiring is known at once from FreeSWITCH's events; a phone re-registering
    // (a new contact) comes back within the grace, so it is checked once more before it becomes a fault.
    this.offs.push(this.pbx.onRegistration((r) => this.registrationChanged(r)));
    this.reconcileTimer = setTimeout(() => void this.reconcile().catch((err: unknown) => this.log.error({ err }, 'fault reconcile failed')), this.o.reconcileAfterMs);
    this.reconcileTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.reconcileTimer);
    clearTimeout(this.downTimer);
    for (const off of this.offs.splice(0)) off();
    for (const t of this.recheck.values()) clearTimeout(t);
    this.recheck.clear();
    await this.polling;
    await this.faults.settled();
  }

  private where(input: string): Phrase {
    const p = this.config.current.points.find((x) => x.input === input);
    return p ? phrase('where.point', { point: p.id, label: p.label, input }) : phrase('where.input', { input });
  }

  /** English for central and the log: the driver's own words, when it gave some, after ours. */
  private withDriverDetail(p: Phrase, driver: string | undefined): { phrase: Phrase; detail?: string } {
    return driver ? { phrase: p, detail: `${english(p)}: ${driver}` } : { phrase: p };
  }

  /** A hardware event from the board. Presses are the alarm service's, not ours. */
  hardware(e: HardwareEvent): void {
    switch (e.kind) {
      case 'stuck':
        this.seen.add(FAULT_KEYS.stuck(e.input));
        void this.faults.raise({ key: FAULT_KEYS.stuck(e.input), source: 'hardware', code: 'stuck', subject: e.input, ...this.withDriverDetail(phrase('fault.hardware.stuck', { where: this.where(e.input) }), e.detail) });
        return;
      case 'unstuck':
      case 'released':
        void this.faults.clear(FAULT_KEYS.stuck(e.input));
        return;
      case 'wiring-fault':
        this.seen.add(FAULT_KEYS.wiring(e.input));
        void this.faults.raise({ key: FAULT_KEYS.wiring(e.input), source: 'hardware', code: 'wiring', subject: e.input, ...this.withDriverDetail(phrase('fault.hardware.wiring', { where: this.where(e.input) }), e.detail) });
        return;
      case 'wiring-ok':
        void this.faults.clear(FAULT_KEYS.wiring(e.input));
        return;
      case 'device-fault':
        this.seen.add(FAULT_KEYS.device(e.device));
        void this.faults.raise({
          key: FAULT_KEYS.device(e.device), source: 'hardware', code: 'device', subject: e.device,
          phrase: e.inputs.length ? phrase('fault.hardware.deviceInputs', { device: e.device, inputs: e.inputs.join(', ') }) : phrase('fault.hardware.device', { device: e.device }),
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

  private async linkChanged(link: PbxLink): Promise<void> {
    // Lost: the fault opens when the grace runs out (a restart of FreeSWITCH is not a fault); back: it closes now.
    if (link === 'down') {
      this.fsDownSince ??= Date.now();
      clearTimeout(this.downTimer);
      this.downTimer = setTimeout(() => void this.poll(), this.o.freeswitchGraceMs + 50);
      this.downTimer.unref();
    } else {
      clearTimeout(this.downTimer);
    }
    if (link === 'hung') {
      await this.faults.raise({
        key: FAULT_KEYS.freeswitchHung, source: 'freeswitch', code: 'hung',
        phrase: phrase('fault.freeswitch.hung', { why: this.health.snapshot().components.freeswitch.phrase ?? this.health.snapshot().components.freeswitch.detail }),
        detail: `FreeSWITCH does not answer (${this.health.snapshot().components.freeswitch.detail}): frozen or overloaded. Emergency calls cannot be placed.`,
      });
    } else if (link === 'up') {
      this.fsDownSince = undefined;
      await this.faults.clear(FAULT_KEYS.freeswitchHung);
      await this.faults.clear(FAULT_KEYS.freeswitch);
    }
  }

  private registrationChanged(r: RegistrationChange): void {
    const ext = r.extension;
    if (!dispatchExtensions(this.config.current).includes(ext)) return;
    clearTimeout(this.recheck.get(ext));
    this.recheck.delete(ext);
    if (r.registered) {
      this.misses.delete(ext);
      void this.faults.clear(FAULT_KEYS.phone(ext));
      return;
    }
    // FreeSWITCH said so itself: one miss already; the check after the grace decides.
    this.misses.set(ext, Math.max(this.misses.get(ext) ?? 0, this.o.registrationMisses - 1));
    const t = setTimeout(() => {
      this.recheck.delete(ext);
      void this.checkPhone(ext);
    }, this.o.registrationGraceMs);
    t.unref();
    this.recheck.set(ext, t);
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
    if (this.pbx.link === 'hung') await this.linkChanged('hung');
    if (this.pbx.connected) {
      this.fsDownSince = undefined;
      await this.faults.clear(FAULT_KEYS.freeswitch);
    } else {
      this.fsDownSince ??= now;
      if (now - this.fsDownSince >= this.o.freeswitchGraceMs)
        await this.faults.raise({
          key: FAULT_KEYS.freeswitch, source: 'freeswitch', code: 'down',
          phrase: phrase('fault.freeswitch.down', { grace: dur(this.o.freeswitchGraceMs), why: comps.freeswitch.phrase ?? comps.freeswitch.detail }),
          detail: `FreeSWITCH unreachable for more than ${english(dur(this.o.freeswitchGraceMs))}: ${comps.freeswitch.detail}. Emergency calls cannot be placed.`,
        });
    }
    // The uplink to central.
    if (this.uplink) {
      if (this.uplink.connected) {
        this.uplinkDownSince = undefined;
        await this.faults.clear(FAULT_KEYS.uplink);
      } else {
        this.uplinkDownSince ??= now;
        if (now - this.uplinkDownSince >= this.o.uplinkGraceMs)
          await this.faults.raise({
            key: FAULT_KEYS.uplink, source: 'uplink', code: 'down', phrase: phrase('fault.uplink.down', { grace: dur(this.o.uplinkGraceMs) }),
            detail: `no connection to central for more than ${english(dur(this.o.uplinkGraceMs))} (${comps.uplink.detail.replace(/;.*$/, '')}). Alarms are kept and sent when it returns.`,
          });
      }
    }
    // Dispatch phones: only answerable while FreeSWITCH is there (its loss is its own fault).
    if (this.pbx.link !== 'up') return;
    for (const ext of dispatchExtensions(this.config.current)) if (!this.recheck.has(ext)) await this.checkPhone(ext);
  }

  private async checkPhone(ext: string): Promise<void> {
    if (this.pbx.link !== 'up') return;
    const r = await this.pbx.registered(ext);
    if (!r.ok) return;
    if (r.value) {
      this.misses.delete(ext);
      await this.faults.clear(FAULT_KEYS.phone(ext));
    } else {
      const n = (this.misses.get(ext) ?? 0) + 1;
      this.misses.set(ext, n);
      if (n >= this.o.registrationMisses)
        await this.faults.raise({ key: FAULT_KEYS.phone(ext), source: 'phone', code: 'unregistered', subject: ext, phrase: phrase('fault.phone.unregistered', { extension: ext }) });
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
