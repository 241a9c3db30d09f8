// Component status and the overall health of the appliance, as served on
// GET /api/health and sent to the UI. Components report; nothing here probes.
import { type BoardInventory, type ComponentHealth, type ComponentName, type ComponentStatus, type Health } from '../contracts/health.js';
import { english, phrase, type Phrase } from '../contracts/phrases/index.js';
import { COMPONENTS } from '../contracts/values.js';
import type { SystemReadings } from './system-sampler.js';

/** Components whose loss means the appliance cannot do its job. */
const ESSENTIAL: ReadonlySet<ComponentName> = new Set(['store']);

export function overall(components: Record<ComponentName, ComponentHealth>): Health['status'] {
  let status: Health['status'] = 'ok';
  for (const name of COMPONENTS) {
    const c = components[name];
    switch (c.status) {
      case 'down':
        if (ESSENTIAL.has(name)) return 'down';
        status = 'degraded';
        break;
      case 'degraded':
        status = 'degraded';
        break;
      case 'ok':
      case 'disabled':
        break;
    }
  }
  return status;
}

export class HealthRegistry {
  private readonly components: Record<ComponentName, ComponentHealth>;
  private system: SystemReadings = { cpuLoad: null, memUsedPct: null, diskFreePct: null, tempC: null, sampledAt: null };
  private inventory: BoardInventory | undefined;
  private readonly startedMs = Date.now();
  /** Bumped on every change, so a cached rendering knows when it is stale. */
  generation = 0;

  constructor(
    private readonly identity: { version: string; site: string; node: string },
    private readonly onChange: (h: Health) => void,
  ) {
    const notStarted = phrase('health.notStarted');
    this.components = Object.fromEntries(COMPONENTS.map((n) => [n, { status: 'disabled', detail: english(notStarted), phrase: notStarted }])) as Record<ComponentName, ComponentHealth>;
  }

  /** `detail` in English; `phrase`, when given, the same in any language (the UI shows it in the reader's). */
  set(name: ComponentName, status: ComponentStatus, detail: string, phrase?: Phrase): void {
    const cur = this.components[name];
    if (cur.status === status && cur.detail === detail) return;
    this.components[name] = phrase ? { status, detail, phrase } : { status, detail };
    this.generation++;
    this.onChange(this.snapshot());
  }

  /** A component's state said once, as a phrase: its English is the detail. */
  say(name: ComponentName, status: ComponentStatus, p: Phrase): void {
    this.set(name, status, english(p), p);
  }

  setSystem(r: SystemReadings): void {
    this.system = r;
    this.generation++;
    this.onChange(this.snapshot());
  }

  setInventory(inventory: BoardInventory): void {
    this.inventory = inventory;
    this.generation++;
    this.onChange(this.snapshot());
  }

  uptimeMs(): number {
    return Date.now() - this.startedMs;
  }

  snapshot(): Health {
    const { sampledAt: _s, ...system } = this.system;
    return {
      status: overall(this.components),
      version: this.identity.version,
      uptimeS: Math.floor(this.uptimeMs() / 1000),
      site: this.identity.site,
      node: this.identity.node,
      components: { ...this.components },
      system,
      ...(this.inventory && { inventory: this.inventory }),
    };
  }
}
