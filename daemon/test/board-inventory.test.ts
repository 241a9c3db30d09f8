// The board inventory: read with systeminformation in a worker thread, shown
// in health; a reading that fails or hangs says why and never throws.
import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import type { BoardInventory as Inventory } from '../src/contracts/health.js';
import { BoardInventory, type InventoryCollector } from '../src/health/board-inventory.js';
import { createLogger } from '../src/log/logger.js';
import { cli, startDaemon } from './helpers/daemon.js';
import { Client } from './helpers/http.js';

const log = async () => (await createLogger({ level: 'silent', destination: new PassThrough() })).ns('health');

async function readOnce(t: Test, collect?: InventoryCollector, timeoutMs?: number): Promise<{ inv: BoardInventory; seen: Inventory[] }> {
  const seen: Inventory[] = [];
  const inv = new BoardInventory({ dataDir: t.testdir(), log: await log(), onChange: (i) => seen.push(i), collect, timeoutMs });
  await inv.read();
  return { inv, seen };
}

t.test('read on this machine in a worker thread: OS, kernel, memory, the data disk', async (t) => {
  const { seen } = await readOnce(t);
  t.equal(seen.length, 1);
  const i = seen[0]!;
  t.equal(i.error, null, 'no error');
  t.ok(i.readAt && Date.parse(i.readAt) > Date.now() - 60_000, 'read just now');
  t.ok(i.os.release && i.os.release.length > 0, `OS release ${i.os.release}`);
  t.ok(i.os.kernel && i.os.kernel.length > 0, `kernel ${i.os.kernel}`);
  t.ok(i.memTotalBytes && i.memTotalBytes > 0, `memory ${i.memTotalBytes}`);
  t.ok(i.cpu.cores && i.cpu.cores > 0, `cores ${i.cpu.cores}`);
  t.ok(i.dataDisk.mount && i.dataDisk.sizeBytes && i.dataDisk.sizeBytes > 0, `data disk ${JSON.stringify(i.dataDisk)}`);
  // Unknown values are null, not systeminformation's '' or '-'.
  t.notOk(JSON.stringify(i).match(/:"-?"/), 'no empty or "-" strings');
});

t.test('a failing reader: the inventory says why, with no values and no throw', async (t) => {
  const { seen } = await readOnce(t, () => Promise.reject(new Error('lsblk: not found')));
  t.equal(seen.length, 1);
  t.match(seen[0], { readAt: null, error: 'the board inventory could not be read: lsblk: not found', os: { kernel: null }, memTotalBytes: null });
});

t.test('a reader that hangs is abandoned after the timeout, and told to stop', async (t) => {
  let signalled: AbortSignal | undefined;
  const { seen } = await readOnce(t, (_dir, signal) => ((signalled = signal), new Promise(() => {})), 50);
  t.match(seen[0], { readAt: null, error: 'the board inventory could not be read within 0.05 s' });
  t.equal(signalled?.aborted, true, 'the reader was aborted (the worker is terminated)');
});

t.test('a later failure keeps the last values and says why', async (t) => {
  let fail = false;
  const values = { hardware: { manufacturer: 'Raspberry Pi Foundation', model: 'Raspberry Pi 4 Model B Rev 1.4', serial: null }, os: { distro: 'Debian GNU/Linux', release: '12', kernel: '6.6.51+rpt-rpi-v8', arch: 'arm64', hostname: 'cp-1' }, cpu: { brand: 'ARM Cortex-A72', cores: 4 }, memTotalBytes: 4e9, dataDisk: { mount: '/', device: '/dev/mmcblk0p2', fsType: 'ext4', sizeBytes: 3e10, model: null } };
  const { inv, seen } = await readOnce(t, () => (fail ? Promise.reject(new Error('worker gone')) : Promise.resolve(values)));
  fail = true;
  await inv.read();
  t.equal(seen.length, 2);
  t.match(seen[1], { ...values, readAt: seen[0]!.readAt, error: 'the board inventory could not be read: worker gone' });
});

t.test('the daemon gives the inventory to signed-in users and central, not to anyone who reaches the port', async (t) => {
  const d = await startDaemon(t.testdir());
  t.teardown(() => d.stop());
  const PW = 'quartz-lantern-meadow-47';
  t.equal((await cli(['user', 'add', 'viewer', '--role', 'viewer', '--password-stdin', '--config', d.configFile], { input: `${PW}\n` })).code, 0);
  const c = new Client(d.url);
  await c.login('viewer', PW);
  // The event stream's health events (signed in): the inventory arrives once read.
  const aborts = new AbortController();
  t.teardown(() => aborts.abort());
  const stream = await fetch(`${d.url}/api/events`, { headers: { cookie: `${c.cookieName}=${c.cookie}` }, signal: aborts.signal });
  t.equal(stream.status, 200);
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let inventory: Inventory | undefined;
  for (const until = Date.now() + 30_000; !inventory && Date.now() < until; ) {
    const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    for (const frame of buf.split('\n\n').slice(0, -1)) {
      const data = /^event: health\ndata: (.*)$/m.test(frame) ? /^data: (.*)$/m.exec(frame)?.[1] : undefined;
      if (data) inventory = (JSON.parse(data) as { inventory?: Inventory }).inventory ?? inventory;
    }
    buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
  }
  aborts.abort();
  t.ok(inventory, 'inventory present in the signed-in health event');
  t.equal(inventory?.error, null);
  t.ok(inventory?.os.kernel, `kernel ${inventory?.os.kernel}`);
  t.ok(inventory?.memTotalBytes && inventory.memTotalBytes > 0);
  const open = (await (await fetch(`${d.url}/api/health`)).json()) as Record<string, unknown>;
  t.ok(open.components, 'the public health answer is there');
  t.notOk('inventory' in open, 'without the inventory (no hostname, kernel or serial for strangers)');
});
