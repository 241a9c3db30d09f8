// The worker thread that owns the configuration editor (config/editor.ts):
// YAML parsing, merging, validation, printing and diffing happen here, off
// the daemon's event loop, so a technician saving a 500-point site never
// delays a press on its way to the dispatch desk. One request at a time, in
// order; each answered once, with its result or the error's message.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigEditor } from './editor.js';
import type { EditorOp } from './edit-client.js';

const editor = new ConfigEditor((workerData as { env: NodeJS.ProcessEnv }).env);
const port = parentPort!;

port.on('message', (m: { id: number; op: EditorOp; args: unknown[] }) => {
  try {
    const fn = editor[m.op].bind(editor) as (...a: unknown[]) => unknown;
    port.postMessage({ id: m.id, ok: true, value: fn(...m.args) });
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});
