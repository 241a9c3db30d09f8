// The worker thread that reads the board inventory with systeminformation.
// Some of its readings spawn a process synchronously (execSync) or read many
// files; here that blocks only this thread, never the daemon's event loop and
// an emergency press on it. One reading, one message, then the daemon
// terminates the thread (its heap is not kept between readings).
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as si from 'systeminformation';
import type { BoardInventory } from '../contracts/health.js';

export type InventoryValues = Omit<BoardInventory, 'readAt' | 'error'>;

/** systeminformation's "not known" ('', '-', 'Default string', …) becomes null. */
const UNKNOWN = /^(|-|unknown|default string|to be filled by o\.e\.m\.|not specified|none|n\/a)$/i;
function text(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim() : '';
  return UNKNOWN.test(s) ? null : s;
}
function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/** The mount whose path is the longest prefix of `dir` holds it. */
function holding<T extends { mount: string }>(mounts: T[], dir: string): T | undefined {
  const inside = (m: string) => dir === m || m === sep || dir.startsWith(m.endsWith(sep) ? m : m + sep);
  return mounts.filter((m) => m.mount && inside(m.mount)).sort((a, b) => b.mount.length - a.mount.length)[0];
}

async function read(dataDir: string): Promise<InventoryValues> {
  const dir = await realpath(dataDir).catch(() => dataDir);
  const [sys, os, cpu, mem, fs, blocks] = await Promise.all([si.system(), si.osInfo(), si.cpu(), si.mem(), si.fsSize(), si.blockDevices()]);
  const mount = holding(fs, dir);
  // The partition (or whole disk) under the filesystem, and the disk it is on for the model.
  const part = mount ? blocks.find((b) => `/dev/${b.name}` === mount.fs) ?? blocks.find((b) => b.mount === mount.mount) : undefined;
  const disk = part && !text(part.model) ? blocks.find((b) => b.type === 'disk' && `/dev/${b.name}` === part.device) : part;
  return {
    hardware: { manufacturer: text(sys.manufacturer), model: text(sys.model), serial: text(sys.serial) },
    os: { distro: text(os.distro), release: text(os.release), kernel: text(os.kernel), arch: text(os.arch), hostname: text(os.hostname) },
    cpu: { brand: text([cpu.manufacturer, cpu.brand].filter((s) => text(s)).join(' ')), cores: count(cpu.cores) },
    memTotalBytes: count(mem.total),
    dataDisk: {
      mount: text(mount?.mount),
      device: text(mount?.fs),
      fsType: text(mount?.type),
      sizeBytes: count(mount?.size) ?? count(part?.size),
      model: text(disk?.model),
    },
  };
}

const port = parentPort!;
read((workerData as { dataDir: string }).dataDir).then(
  (values) => port.postMessage({ ok: true, values }),
  (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
