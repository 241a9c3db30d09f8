// Board readings — CPU load, memory, disk, temperature — refreshed in the
// background and cached: a request for /api/health never waits on a probe.
//
// Read straight from the kernel's files, asynchronously: /proc/stat (load, as
// the share of busy jiffies since the last sample), /proc/meminfo,
// /sys/class/thermal and statfs. systeminformation, used before, runs
// `execSync('cat …')` for the load and the temperature: a child process
// spawned on the event loop every sample, which held an emergency press up
// for tens of milliseconds on a busy board. Elsewhere than on Linux the
// readings are null.
import { readFile, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';

export interface SystemReadings {
  cpuLoad: number | null;
  memUsedPct: number | null;
  diskFreePct: number | null;
  tempC: number | null;
  sampledAt: string | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const THERMAL = '/sys/class/thermal';
/** Thermal zones that are the SoC or CPU, by their `type` (Raspberry Pi: cpu-thermal; x86: x86_pkg_temp). */
const CPU_ZONE = /cpu|soc|x86_pkg_temp|coretemp|k10temp/i;

interface Jiffies {
  busy: number;
  total: number;
}

async function jiffies(): Promise<Jiffies | null> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return null;
  // user nice system idle iowait irq softirq steal (proc(5)); guest time is already in user.
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

async function memUsedPct(): Promise<number | null> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  // "available" counts reclaimable cache as free: what a Pi can really still use.
  return total > 0 && Number.isFinite(available) ? round1(((total - available) / total) * 100) : null;
}

async function cpuTempC(): Promise<number | null> {
  const zones = (await readdir(THERMAL).catch(() => [] as string[])).filter((z) => z.startsWith('thermal_zone')).sort();
  const read = async (z: string) => ({
    type: (await readFile(join(THERMAL, z, 'type'), 'utf8').catch(() => '')).trim(),
    milli: Number((await readFile(join(THERMAL, z, 'temp'), 'utf8').catch(() => '')).trim()),
  });
  const all = await Promise.all(zones.map(read));
  const zone = all.find((z) => CPU_ZONE.test(z.type) && Number.isFinite(z.milli)) ?? all.find((z) => Number.isFinite(z.milli) && z.milli !== 0);
  const c = zone ? zone.milli / 1000 : NaN;
  return c > -50 && c < 200 ? round1(c) : null;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.catch(() => null), new Promise<null>((r) => { timer = setTimeout(() => r(null), ms); })]).finally(() => clearTimeout(timer));
}

export class SystemSampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private last: Jiffies | null = null;
  latest: SystemReadings = { cpuLoad: null, memUsedPct: null, diskFreePct: null, tempC: null, sampledAt: null };

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    private readonly onChange: (r: SystemReadings) => void,
    private readonly everyMs = 10_000,
  ) {}

  async start(): Promise<void> {
    // The load is a difference: a first reading now, the first figure shortly after.
    this.last = await jiffies();
    setTimeout(() => void (this.running ??= this.sample()), 1000).unref();
    this.timer = setInterval(() => {
      this.running ??= this.sample();
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sample(): Promise<void> {
    try {
      const [now, mem, temp, fs] = await Promise.all([withTimeout(jiffies(), 2000), withTimeout(memUsedPct(), 2000), withTimeout(cpuTempC(), 2000), withTimeout(statfs(this.dataDir), 2000)]);
      const before = this.last;
      this.last = now;
      const next: SystemReadings = {
        cpuLoad: now && before && now.total > before.total ? round1(((now.busy - before.busy) / (now.total - before.total)) * 100) : null,
        memUsedPct: mem,
        diskFreePct: fs && fs.blocks > 0 ? round1((fs.bavail / fs.blocks) * 100) : null,
        tempC: temp,
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
