// `make bench` (uplink part): how fast the outbox drains to a real mosquitto
// after an outage — read in seq order, publish QoS 1, delete on PUBACK —
// next to plain mqtt.js QoS 1 publishing the same envelopes with the same
// in-flight window to the same broker. Target: at least 0.3 of plain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { EventBus } from '../../daemon/src/events/bus.js';
import { HealthRegistry } from '../../daemon/src/health/health.js';
import { Store } from '../../daemon/src/store/store.js';
import { UplinkClient } from '../../daemon/src/uplink/index.js';
import { mosquitto } from '../../daemon/test/helpers/mosquitto.js';
import { toolPath } from '../../daemon/test/helpers/tools.js';
import type { Figure } from './gateway.js';
import type { OutboxType } from '../../daemon/src/contracts/index.js';
import { sampleOf } from '../../daemon/test/helpers/messages.js';

const N = 20_000;
const WINDOW = 20;

export async function uplinkFigures(): Promise<Figure[]> {
  if (!toolPath('mosquitto')) {
    console.log('      uplink drain: skipped — needs Debian\'s mosquitto (apt-get install mosquitto)');
    return [];
  }
  const log = pino({ level: 'silent' });
  const mq = await mosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'cp-upbench-'));
  try {
    const store = await Store.open(dir, { site: 's', node: 'n' });
    const types: OutboxType[] = ['alarm', 'call', 'event'];
    for (let i = 0; i < N; i += 1000) await store.tx((r) => r.outbox.enqueueMany(Array.from({ length: 1000 }, (_, j) => ({ type: types[(i + j) % 3]!, data: sampleOf(types[(i + j) % 3]!, i + j), orderKey: null }))));
    const bus = new EventBus(log);
    const health = new HealthRegistry({ version: 'b', site: 's', node: 'n' }, (h) => bus.emit('health', h));
    const up = new UplinkClient({ site: 's', node: 'n', version: 'b', brokers: [mq.url], inflight: WINDOW, pollMs: 1000 }, { store, health, bus, log });
    const t0 = performance.now();
    await up.start();
    while ((await store.outbox.stats()).count > 0) await new Promise((r) => setTimeout(r, 10));
    const uplinkRate = N / ((performance.now() - t0) / 1000);
    await up.stop();
    await store.close();

    const envelopes = Array.from({ length: N }, (_, i) => JSON.stringify({ id: crypto.randomUUID(), seq: i + 1, ts: new Date().toISOString(), site: 's', node: 'n', type: types[i % 3]!, data: sampleOf(types[i % 3]!, i) }));
    const c = await mqtt.connectAsync(mq.url, { clientId: 'bench-plain' });
    const t1 = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      let done = 0;
      const one = () => {
        const p = envelopes[next++];
        if (p === undefined) return;
        c.publish('bench/alarm', p, { qos: 1 }, () => (++done === N ? resolve() : one()));
      };
      for (let i = 0; i < WINDOW; i++) one();
    });
    const plainRate = N / ((performance.now() - t1) / 1000);
    await c.endAsync();
    console.log(`      backlog of ${N} after an outage: uplink ${Math.round(uplinkRate)} msg/s (outbox read, publish, PUBACK, delete); plain mqtt.js QoS 1, window ${WINDOW}: ${Math.round(plainRate)} msg/s`);
    return [{ name: 'backlog drain after an outage, as a fraction of plain mqtt.js QoS 1', value: uplinkRate / plainRate, unit: '×', target: 0.3, better: 'higher' }];
  } finally {
    await mq.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
