// Start a worker thread on one of the daemon's own modules, given as the URL
// of its source beside the caller (`new URL('./x-worker.ts', import.meta.url)`
// is not portable: compiled, the file is x-worker.js). From source the worker
// registers the same TypeScript loader (tsx) before importing the module.
import { Worker } from 'node:worker_threads';

/** `name` without extension, resolved beside `callerUrl` (the caller's import.meta.url). */
export function startModuleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const target = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, callerUrl);
  if (!fromSource) return new Worker(target, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(target.href)}))`;
  return new Worker(boot, { eval: true, workerData });
}
