// Loaded into the daemon under soak (node --import): its event-loop delay and
// heap, every SOAK_PROBE_MS, one JSON line each to
// SOAK_PROBE_FILE. Measured inside the daemon because lag is only
// meaningful there; RSS and file descriptors are read from /proc outside it.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setInterval, setTimeout } from 'node:timers';

const file = process.env.SOAK_PROBE_FILE;
if (file) {
  // One histogram per sample window, one for the whole run after the warm-up. The histogram holds
  // the interval between its timer's runs (an idle loop reports ≈ the resolution, 10 ms, as
  // measured with Node 20): the delay is what exceeds the resolution.
  const RES = 10;
  const h = monitorEventLoopDelay({ resolution: RES });
  const total = monitorEventLoopDelay({ resolution: RES });
  const ms = (ns) => Math.max(0, ns / 1e6 - RES);
  h.enable();
  total.enable();
  setTimeout(() => total.reset(), Number(process.env.SOAK_WARMUP_MS ?? 0)).unref();
  const every = Number(process.env.SOAK_PROBE_MS ?? 10000);
  setInterval(() => {
    const m = process.memoryUsage();
    const line = { t: Date.now(), p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), totalP99: ms(total.percentile(99)), heap: m.heapUsed, external: m.external };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    h.reset();
  }, every).unref();
}
