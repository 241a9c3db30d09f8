// `make bench` (board inventory): systeminformation reads the board in a
// worker thread so that its synchronous process calls never stall the event
// loop an emergency press runs on. Measured here on the compiled code: the
// main thread's worst event-loop delay over readings, and the memory the
// worker thread adds while it runs (it is terminated after each reading).
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { BoardInventory as Inventory } from '../../daemon/src/health/board-inventory.js';
import type { Figure } from './gateway.js';

const ROOT = join(import.meta.dirname, '..', '..');
const READINGS = 5;

export async function boardInventoryFigures(): Promise<Figure[]> {
  const { BoardInventory } = (await import(pathToFileURL(join(ROOT, 'dist', 'daemon', 'src', 'health', 'board-inventory.js')).href)) as { BoardInventory: typeof Inventory };
  const log = { warn: (o: unknown, m: string) => console.log(`      inventory warning: ${m}`) } as unknown as ConstructorParameters<typeof Inventory>[0]['log'];
  let errors = 0;
  const inv = new BoardInventory({ dataDir: ROOT, log, onChange: (i) => void (i.error && errors++) });
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  for (let i = 0; i < READINGS; i++) await inv.read();
  const eachMs = (performance.now() - t0) / READINGS;
  delay.disable();
  clearInterval(sampler);
  console.log(`      board inventory: ${READINGS} readings, ${eachMs.toFixed(0)} ms each, ${errors} failed; RSS +${((peak - baseline) / 2 ** 20).toFixed(1)} MB while the worker runs`);
  return [{ name: 'main-thread event-loop delay while the board inventory is read (max)', value: delay.max / 1e6, unit: 'ms', target: 20, better: 'lower' }];
}
