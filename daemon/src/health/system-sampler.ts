// Board readings from systeminformation, refreshed in the background and
// cached: a request for /api/health never waits on a probe (reading the
// temperature or the CPU load can take hundreds of ms on a Pi).
import { statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Systeminformation } from 'systeminformation';
import type { Logger } from '../log/logger.js';

// Only the two parts of systeminformation we read: its index loads every
// probe it has (Wi-Fi, Docker, printers…), about 7 MB more resident memory.
const require = createRequire(import.meta.url);
const si = {
  ...(require('systeminformation/lib/cpu.js') as { currentLoad(): Promise<Systeminformation.CurrentLoadData>; cpuTemperature(): Promise<Systeminformation.CpuTemperatureData> }),
  ...(require('systeminformation/lib/memory.js') as { mem(): Promise<Systeminformation.MemData> }),
};

export interface SystemReadings {
  cpuLoad: number | null;
  memUsedPct: number | null;
  diskFreePct: number | null;
  tempC: number | null;
  sampledAt: string | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.catch(() => null), new Promise<null>((r) => { timer = setTimeout(() => r(null), ms); })]).finally(() => clearTimeout(timer));
}

export class SystemSampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  latest: SystemReadings = { cpuLoad: null, memUsedPct: null, diskFreePct: null, tempC: null, sampledAt: null };

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    private readonly onChange: (r: SystemReadings) => void,
    private readonly everyMs = 10_000,
  ) {}

  start(): void {
    this.running = this.sample();
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sample();
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sample(): Promise<void> {
    try {
      const [load, mem, temp, fs] = await Promise.all([
        withTimeout(si.currentLoad(), 5000),
        withTimeout(si.mem(), 5000),
        withTimeout(si.cpuTemperature(), 5000),
        withTimeout(statfs(this.dataDir), 5000),
      ]);
      const next: SystemReadings = {
        cpuLoad: load && Number.isFinite(load.currentLoad) ? round1(load.currentLoad) : null,
        // "available" counts reclaimable cache as free: what a Pi can really still use.
        memUsedPct: mem && mem.total > 0 ? round1(((mem.total - mem.available) / mem.total) * 100) : null,
        diskFreePct: fs && fs.blocks > 0 ? round1((fs.bavail / fs.blocks) * 100) : null,
        tempC: temp && typeof temp.main === 'number' && temp.main > -50 && temp.main < 200 ? round1(temp.main) : null,
        sampledAt: new Date().toISOString(),
      };
      const changed = next.cpuLoad !== this.latest.cpuLoad || next.memUsedPct !== this.latest.memUsedPct || next.diskFreePct !== this.latest.diskFreePct || next.tempC !== this.latest.tempC;
      this.latest = next;
      if (changed) this.onChange(next);
    } catch (err) {
      this.log.warn({ err }, 'system sample failed');
    } finally {
      this.running = undefined;
    }
  }
}
