// The daemon's side of the configuration editor's worker thread: calls it
// like the editor itself, with promises. The worker is started on the first
// call (a board that is never configured from the UI never carries it) and
// stopped after a while without calls (its heap costs memory a small board
// needs); the next call starts it again with the live file.
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../lifecycle/module-worker.js';
import type { Logger } from '../log/logger.js';
import type { ConfigEditor } from './editor.js';

export type EditorOp = 'load' | 'view' | 'prepare' | 'preview' | 'commit' | 'discard' | 'diffTexts';
type Result<K extends EditorOp> = ReturnType<ConfigEditor[K]>;

export interface EditClientOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The worker stops after this long without a call (and without a prepared change). */
  idleMs?: number;
}

export class EditClient {
  private worker: Worker | undefined;
  private loadedText: string | undefined;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private prepared = false;
  private closed = false;

  constructor(private readonly o: EditClientOptions) {}

  /** The live file the editor works on; loaded into the worker now, or when it next starts. */
  async load(text: string): Promise<void> {
    this.loadedText = text;
    if (this.worker) await this.loadInto();
  }

  view(): Promise<Result<'view'>> {
    return this.call('view');
  }
  preview(...args: Parameters<ConfigEditor['preview']>): Promise<Result<'preview'>> {
    return this.call('preview', ...args);
  }
  async prepare(...args: Parameters<ConfigEditor['prepare']>): Promise<Result<'prepare'>> {
    const r = await this.call('prepare', ...args);
    this.prepared = r.ok;
    return r;
  }
  /** The prepared text is on disk: it becomes what the editor works on. */
  async commit(text: string): Promise<void> {
    await this.call('commit');
    this.loadedText = text;
    this.prepared = false;
  }
  async discard(): Promise<void> {
    this.prepared = false;
    if (this.worker) await this.call('discard');
  }
  diffTexts(...args: Parameters<ConfigEditor['diffTexts']>): Promise<Result<'diffTexts'>> {
    return this.call('diffTexts', ...args);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private async call<K extends EditorOp>(op: K, ...args: unknown[]): Promise<Result<K>> {
    if (this.closed) throw new Error('the configuration editor is stopped');
    clearTimeout(this.idleTimer);
    try {
      if (!this.worker) {
        this.spawn();
        await this.loadInto();
      }
      return (await this.send(op, args)) as Result<K>;
    } finally {
      this.armIdle();
    }
  }

  private async loadInto(): Promise<void> {
    if (this.loadedText === undefined) throw new Error('no configuration loaded');
    const problems = (await this.send('load', [this.loadedText])) as Result<'load'>;
    if (problems.length) throw new Error(`the live configuration does not load: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }

  private send(op: EditorOp, args: unknown[]): Promise<unknown> {
    const w = this.worker!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      w.postMessage({ id, op, args });
    });
  }

  private spawn(): void {
    const w = startModuleWorker(import.meta.url, 'edit-worker', { env: this.o.env });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const c = this.calls.get(m.id);
      if (!c) return;
      this.calls.delete(m.id);
      if (m.ok) c.resolve(m.value);
      else c.reject(new Error(m.error));
    });
    const gone = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.prepared = false;
      for (const c of this.calls.values()) c.reject(new Error(`the configuration editor stopped: ${why}`));
      this.calls.clear();
    };
    w.on('error', (err) => {
      this.o.log.error({ err }, 'configuration editor worker failed');
      gone(err.message);
    });
    w.on('exit', (code) => gone(`exit ${code}`));
    this.worker = w;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.closed) return;
    this.idleTimer = setTimeout(() => {
      if (this.prepared || this.calls.size || !this.worker) return this.armIdle();
      const w = this.worker;
      this.worker = undefined;
      void w.terminate();
    }, this.o.idleMs ?? 5 * 60_000);
    this.idleTimer.unref();
  }
}
