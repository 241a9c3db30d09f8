// What the board is — hardware model and serial, OS and kernel, CPU, memory,
// the disk holding the data directory — for health, the dashboard and central.
// Read with systeminformation (board-inventory-worker.ts) in a worker thread,
// once at start and every 6 h: some of its readings run a process
// synchronously, which on the event loop would hold up an emergency press.
// The thread is terminated after each reading, so it costs memory only while
// it runs. A reading that fails or takes too long says why in the inventory;
// nothing here throws into the daemon.
import type { BoardInventory as Inventory } from '../contracts/health.js';
import { startModuleWorker } from '../lifecycle/module-worker.js';
import type { Logger } from '../log/logger.js';
import type { InventoryValues } from './board-inventory-worker.js';

/** Reads the values for the data directory; stops work when `signal` aborts (the reading timed out). */
export type InventoryCollector = (dataDir: string, signal: AbortSignal) => Promise<InventoryValues>;

export interface BoardInventoryOptions {
  dataDir: string;
  log: Logger;
  onChange: (inventory: Inventory) => void;
  /** The reader; by default systeminformation in a worker thread. */
  collect?: InventoryCollector;
  timeoutMs?: number;
  everyMs?: number;
}

const EMPTY: InventoryValues = {
  hardware: { manufacturer: null, model: null, serial: null },
  os: { distro: null, release: null, kernel: null, arch: null, hostname: null },
  cpu: { brand: null, cores: null },
  memTotalBytes: null,
  dataDisk: { mount: null, device: null, fsType: null, sizeBytes: null, model: null },
};

/** systeminformation in a worker thread, terminated when it has answered, failed or been aborted. */
export const readInWorker: InventoryCollector = (dataDir, signal) =>
  new Promise((resolve, reject) => {
    const w = startModuleWorker(import.meta.url, 'board-inventory-worker', { dataDir });
    const done = (settle: () => void) => {
      signal.removeEventListener('abort', abort);
      w.removeAllListeners();
      w.on('error', () => {});
      void w.terminate();
      settle();
    };
    const abort = () => done(() => reject(new Error('aborted')));
    signal.addEventListener('abort', abort, { once: true });
    w.on('message', (m: { ok: true; values: InventoryValues } | { ok: false; error: string }) => done(() => (m.ok ? resolve(m.values) : reject(new Error(m.error)))));
    w.on('error', (err) => done(() => reject(err)));
    w.on('exit', (code) => done(() => reject(new Error(`the worker exited (code ${code}) before answering`))));
  });

export class BoardInventory {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private values: InventoryValues | undefined;
  private readAt: string | null = null;
  private readonly stopping = new AbortController();
  latest: Inventory | undefined;

  constructor(private readonly o: BoardInventoryOptions) {}

  /** The first reading starts in the background: start-up never waits for it. */
  start(): Promise<void> {
    this.running ??= this.read();
    this.timer = setInterval(() => {
      this.running ??= this.read();
    }, this.o.everyMs ?? 6 * 3600_000);
    this.timer.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  /** One reading, now (tests; start() also calls it). Resolves when the inventory is updated. */
  async read(): Promise<void> {
    const timeoutMs = this.o.timeoutMs ?? 20_000;
    const late = new AbortController();
    const timer = setTimeout(() => late.abort(), timeoutMs);
    const signal = AbortSignal.any([this.stopping.signal, late.signal]);
    let error: string | null = null;
    try {
      const collect = this.o.collect ?? readInWorker;
      // The collector is raced with the signal too: one that ignores it cannot hold the reading up.
      const values = await new Promise<InventoryValues>((resolve, reject) => {
        const aborted = () => reject(new Error('aborted'));
        if (signal.aborted) return aborted();
        signal.addEventListener('abort', aborted, { once: true });
        collect(this.o.dataDir, signal).then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
      });
      this.values = values;
      this.readAt = new Date().toISOString();
    } catch (e) {
      if (this.stopping.signal.aborted) return;
      error = signal.aborted ? `the board inventory could not be read within ${timeoutMs / 1000} s` : `the board inventory could not be read: ${(e as Error).message}`;
      this.o.log.warn({ err: e }, error);
    } finally {
      clearTimeout(timer);
      this.running = undefined;
    }
    if (this.stopping.signal.aborted) return;
    this.latest = { readAt: this.readAt, error, ...(this.values ?? EMPTY) };
    this.o.onChange(this.latest);
  }
}
