// Keeps FreeSWITCH's gateway status fresh (`sofia xmlstatus gateway` every
// few seconds while the event socket is up, and at once after it comes back)
// and watches each trunk: a trunk down longer than its grace period is a
// supervision fault (source trunk, code down), closed when it is up again.
import { phrase } from '../contracts/phrases/index.js';
import type { FaultBook } from '../alarms/faults.js';
import type { TrunkConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { CommandOutcome } from '../pbx/gateway.js';
import type { SofiaGateway } from '../pbx/sofia-status.js';
import type { TrunkState } from './router.js';

export interface GatewayStatusSource {
  readonly connected: boolean;
  gatewayStatus(): Promise<CommandOutcome<SofiaGateway[]>>;
}

export interface TrunkMonitorOptions {
  pollMs?: number;
  /** How long a trunk may be down before it is a fault (a registration retry, a ping lost). */
  graceMs?: number;
}

export const trunkFaultKey = (id: string) => `trunk:${id}`;

export class TrunkMonitor {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private gateways: Map<string, SofiaGateway> | null = null;
  private wasConnected = false;
  private readonly downSince = new Map<string, number>();
  private readonly faulted = new Set<string>();

  constructor(
    private readonly trunks: readonly TrunkConfig[],
    private readonly d: { pbx: GatewayStatusSource; faults?: FaultBook; log: Logger; states: () => Map<string, TrunkState>; changed: () => void },
    private readonly o: TrunkMonitorOptions = {},
  ) {}

  get gatewayMap(): ReadonlyMap<string, SofiaGateway> | null {
    return this.gateways;
  }

  async start(): Promise<void> {
    if (!this.trunks.length) return;
    // Faults of trunks no longer configured are closed at once; the others on positive evidence (up again).
    for (const f of (await this.d.faults?.open()) ?? []) if (f.source === 'trunk' && !this.trunks.some((t) => trunkFaultKey(t.id) === f.key)) await this.d.faults?.clear(f.key);
    this.timer = setInterval(() => void this.tick(), Math.min(this.o.pollMs ?? 5000, 1000));
    this.timer.unref();
    await this.tick(true);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  private lastPoll = 0;

  /** Every second: poll when due or when the event socket just came back; then judge the trunks. */
  private async tick(force = false): Promise<void> {
    if (this.polling) return;
    const connected = this.d.pbx.connected;
    const due = force || (connected && !this.wasConnected) || performance.now() - this.lastPoll >= (this.o.pollMs ?? 5000);
    this.wasConnected = connected;
    if (!due) return this.judge();
    this.polling = this.poll().finally(() => (this.polling = undefined));
    await this.polling;
  }

  /** Read the gateway status now. */
  async poll(): Promise<void> {
    this.lastPoll = performance.now();
    if (!this.d.pbx.connected) {
      this.gateways = null;
    } else {
      const r = await this.d.pbx.gatewayStatus();
      if (r.ok) this.gateways = new Map(r.value.map((g) => [g.name, g]));
      else {
        this.d.log.warn({ reason: r.reason, message: r.message }, 'cannot read the trunks\' gateway status');
        this.gateways = null;
      }
    }
    await this.judge();
    this.d.changed();
  }

  private async judge(): Promise<void> {
    const states = this.d.states();
    const now = performance.now();
    const grace = this.o.graceMs ?? 60_000;
    for (const t of this.trunks) {
      const s = states.get(t.id);
      if (!s) continue;
      const key = trunkFaultKey(t.id);
      if (s.up) {
        this.downSince.delete(t.id);
        if (this.faulted.delete(t.id) || !this.faultsChecked) await this.d.faults?.clear(key);
        continue;
      }
      // Without FreeSWITCH nothing is known of the trunks: its own fault says so.
      if (!this.d.pbx.connected) continue;
      const since = this.downSince.get(t.id) ?? now;
      this.downSince.set(t.id, since);
      if (now - since >= grace && !this.faulted.has(t.id)) {
        this.faulted.add(t.id);
        this.d.log.error({ trunk: t.id, detail: s.detail }, `trunk ${t.id} is down`);
        await this.d.faults?.raise({ key, source: 'trunk', code: 'down', subject: t.id, phrase: phrase('fault.trunk.down', { trunk: t.name ?? t.id, kind: t.kind, why: s.detail }), detail: `trunk ${t.name ?? t.id} (${t.kind}) is down: ${s.detail}` });
      }
    }
    this.faultsChecked = true;
  }

  private faultsChecked = false;
}
