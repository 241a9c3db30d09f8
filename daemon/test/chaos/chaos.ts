// The chaos suite: alarms raised and cleared from the simulated board while
// the daemon is SIGKILLed at random moments and restarted (as systemd would),
// central's broker (a real mosquitto) is stopped and started, and — when it
// can run as root — the data disk is filled to its last megabyte for a while.
// Afterwards the database and what central received must agree exactly
// (analyse.ts).
//
// Every random choice comes from one seeded generator; the seed is printed, and
// CHAOS_SEED=<seed> replays the same sequence of actions, kills, outages and
// disk-full spells (the machine's timing still varies).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { SIM_TOKEN_FILE } from '../../src/sim/control.js';
import { cli, freePort, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { Client } from '../helpers/http.js';
import { mosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { prng } from '../helpers/prng.js';
import { analyse, type Analysis, type CentralEnvelope } from './analyse.js';
import { mountSmallDisk, type SmallDisk } from './disk.js';
import { readFile } from 'node:fs/promises';

export interface ChaosOptions {
  dir: string;
  seed: number;
  /** Alarms to raise (each is cleared again). */
  alarms: number;
  /** At least this many SIGKILLs of the daemon. */
  kills: number;
  /** Stop and start the broker about this many times. */
  brokerOutages: number;
  /** Fill the disk to its last MB about this many times (needs root; 0 = never). */
  diskFull: number;
  /** Run the compiled daemon (dist/, after make build): starts faster, which a hundred restarts notice. */
  compiled?: boolean;
  log?: (line: string) => void;
}

export interface ChaosResult extends Analysis {
  seed: number;
  kills: number;
  brokerOutages: number;
  diskFullSpells: number;
  /** Why the disk-full part did not run, when it did not. */
  diskSkipped?: string;
  raisedByDriver: number;
  seconds: number;
}

const INPUTS = ['in1', 'in2', 'in3', 'in4', 'in5', 'in6', 'in7', 'in8'];
const PASSWORD = 'granite-meadow-river-71';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => undefined);
  const rnd = prng(o.seed);
  const t0 = Date.now();
  const mq: Mosquitto = await mosquitto({ persistence: true });
  let disk: SmallDisk | undefined;
  let diskSkipped: string | undefined;
  // The small disk is mounted outside the test's directory: if a run is cut short, the test's own
  // clean-up must not trip over a mount point (the mount is still undone in `finally`).
  const diskDir = mkdtempSync(join(tmpdir(), 'callpoint-chaos-disk-'));
  const dataDir = join(diskDir, 'data');
  if (o.diskFull > 0) {
    const d = mountSmallDisk(diskDir, 48);
    if (typeof d === 'string') diskSkipped = d;
    else disk = d;
  } else diskSkipped = 'not asked for';
  let daemon: DaemonHandle | undefined;
  let central: mqtt.MqttClient | undefined;
  try {
    return await chaos();
  } finally {
    // Whatever happened: nothing of ours is left running or mounted.
    if (daemon && daemon.proc.exitCode === null && daemon.proc.signalCode === null) await daemon.stop('SIGKILL');
    await central?.endAsync(true).catch(() => undefined);
    disk?.unmount();
    rmSync(diskDir, { recursive: true, force: true });
    await mq.dispose();
  }

  async function chaos(): Promise<ChaosResult> {
  const port = await freePort();
  const configFile = join(o.dir, 'config.yaml');
  // Calls go to an extension nobody has: every alarm keeps escalating (a cheap, steady load of steps).
  const plan = { targets: [{ extension: '9000', ringS: 5 }], pauseS: 5 };
  writeFileSync(configFile, stringify({
    site: 'chaos', node: 'n1', dataDir, http: { host: '127.0.0.1', port }, uplink: { brokers: [mq.url], keepaliveS: 5 },
    log: { level: 'warn', namespaces: { daemon: 'info' } },
    points: INPUTS.map((input, i) => ({ id: `p${i + 1}`, input, label: `SOS ${i + 1}`, location: 'Tunnel', zone: 'z', escalation: plan })),
    phones: [{ number: '8000', name: 'Dispatch', zone: 'control' }],
  }));
  const added = await cli(['user', 'add', 'chaos', '--role', 'technician', '--password-stdin', '--config', configFile], { input: `${PASSWORD}\n` });
  if (added.code !== 0) throw new Error(`user add: ${added.stderr}`);

  // Central: a persistent session on a persistent broker, so nothing waits in vain while either is away.
  const received: CentralEnvelope[] = [];
  central = await mqtt.connectAsync(mq.url, { clientId: `chaos-central-${o.seed}`, clean: false, reconnectPeriod: 200 });
  central.on('message', (_topic, payload) => {
    try {
      const e = JSON.parse(payload.toString()) as CentralEnvelope;
      if (typeof e.seq === 'number' && typeof e.id === 'string') received.push(e);
    } catch {
      /* not an envelope */
    }
  });
  await central.subscribeAsync('callpoint/v1/chaos/n1/+', { qos: 1 });

  const env = { CALLPOINT_SIMULATE: 'board,freeswitch', CALLPOINT_FROM_SOURCE: o.compiled ? '0' : '1' };
  let current = await startDaemon(o.dir, { configFile, port, env });
  daemon = current;
  let lastStart = new Date().toISOString();
  let restarting: Promise<void> | undefined;
  let kills = 0;
  let outages = 0;
  let spells = 0;
  let brokerDown = false;
  let diskFullNow = false;
  const background = new Set<Promise<void>>();
  const bg = (p: Promise<void>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  /** SIGKILL now (whatever it is doing), then start it again. */
  const kill = async () => {
    if (restarting) return restarting;
    restarting = (async () => {
      current.proc.kill('SIGKILL');
      await current.exited;
      kills++;
      for (let attempt = 0; ; attempt++) {
        try {
          current = await startDaemon(o.dir, { configFile, port, env });
          daemon = current;
          lastStart = new Date().toISOString();
          return;
        } catch (e) {
          // A full disk can stop it from starting (as it would on a board): systemd tries again.
          log(`  restart ${attempt + 1} failed: ${(e as Error).message.split('\n')[0]}`);
          if (attempt > 20) throw e;
          await sleep(500);
        }
      }
    })().finally(() => (restarting = undefined));
    return restarting;
  };

  let api: Client | undefined;
  let token = '';
  const session = async (): Promise<Client> => {
    if (restarting) await restarting;
    if (api) return api;
    const c = new Client(current.url);
    const r = await c.login('chaos', PASSWORD);
    if (r.status !== 200) throw new Error(`login ${r.status}`);
    token = (await readFile(join(dataDir, SIM_TOKEN_FILE), 'utf8')).trim();
    api = c;
    return c;
  };
  const forget = () => {
    api = undefined;
  };

  const driverActions = o.alarms * 2;
  const pKill = Math.min(0.9, (o.kills * 1.3) / driverActions);
  const pBroker = (o.brokerOutages * 1.2) / driverActions;
  const pDisk = disk ? (o.diskFull * 1.2) / driverActions : 0;
  const raised = new Set<string>();
  let actions = 0;
  while (raised.size < o.alarms || kills < o.kills) {
    actions++;
    // The moments: scheduled from the generator, landing inside whatever the daemon does next.
    if (rnd() < pKill) {
      const delay = Math.floor(rnd() * 400);
      bg(sleep(delay).then(() => kill()));
    }
    if (!brokerDown && rnd() < pBroker) {
      brokerDown = true;
      outages++;
      const downMs = 500 + Math.floor(rnd() * 4500);
      bg((async () => {
        await mq.stop();
        await sleep(downMs);
        await mq.start();
        brokerDown = false;
      })());
    }
    if (disk && !diskFullNow && rnd() < pDisk) {
      diskFullNow = true;
      spells++;
      const fullMs = 2000 + Math.floor(rnd() * 8000);
      const d = disk;
      bg((async () => {
        d.fill();
        await sleep(fullMs);
        d.free();
        diskFullNow = false;
      })());
    }
    const input = INPUTS[Math.floor(rnd() * INPUTS.length)]!;
    try {
      const c = await session();
      const open = ((await c.get('/api/alarms')).json.open as Array<{ id: string; pointId: string; test: boolean }> | undefined) ?? [];
      const mine = open.find((a) => a.pointId === `p${INPUTS.indexOf(input) + 1}` && !a.test);
      if (mine) {
        await c.post(`/api/alarms/${mine.id}/clear`, {});
      } else if (raised.size < o.alarms) {
        const res = await fetch(`${current.url}/api/sim/inputs/${input}/press`, { method: 'POST', headers: { 'x-callpoint-sim-token': token } });
        const body = (await res.json()) as { alarmId?: string };
        if (body.alarmId) raised.add(body.alarmId);
      }
    } catch {
      // Killed under us, or its disk is full: carry on with the restarted one.
      forget();
      await sleep(100);
    }
    if (actions % 200 === 0) log(`  ${actions} actions, ${raised.size} alarms, ${kills} kills, ${outages} broker outages, ${spells} disk-full spells`);
  }
  await Promise.all([...background]);
  disk?.free();
  if (brokerDown) await mq.start();
  // A last kill with alarms open: they must be called again after the restart.
  await kill();
  forget();
  for (const input of INPUTS.slice(0, 3)) {
    await fetch(`${current.url}/api/sim/inputs/${input}/press`, { method: 'POST', headers: { 'x-callpoint-sim-token': (await readFile(join(dataDir, SIM_TOKEN_FILE), 'utf8')).trim() } }).catch(() => undefined);
  }
  await kill();
  const finalStart = lastStart;
  // Drained: central has every seq the database wrote.
  const deadline = Date.now() + 120_000;
  let waiting = true;
  while (waiting && Date.now() < deadline) {
    await sleep(500);
    const seqs = new Set(received.map((e) => e.seq));
    const { value } = await lastSeqOf(join(dataDir, 'callpoint.db'));
    waiting = seqs.size < value;
  }
  // Escalation of the open alarms has had time to call (pause 5 s after a start).
  await sleep(8000);
  await current.stop();
  const analysis = await analyse(join(dataDir, 'callpoint.db'), received, { lastStartIso: finalStart });
  return { ...analysis, seed: o.seed, kills, brokerOutages: outages, diskFullSpells: spells, diskSkipped, raisedByDriver: raised.size, seconds: Math.round((Date.now() - t0) / 1000) };
  }
}

async function lastSeqOf(file: string): Promise<{ value: number }> {
  const { openReadOnly } = await import('./analyse.js');
  const db = await openReadOnly(file);
  try {
    return await new Promise((resolve, reject) =>
      db.get("SELECT value FROM counters WHERE name = 'outbox_seq'", (err, row: { value: number } | undefined) => (err ? reject(err) : resolve(row ?? { value: 0 }))),
    );
  } finally {
    await new Promise<void>((r) => db.close(() => r()));
  }
}

/** The counts table. */
export function chaosTable(r: ChaosResult): string {
  const rows: Array<[string, string | number]> = [
    ['seed', r.seed],
    ['alarms (database)', r.alarms],
    ['  cleared', r.cleared],
    ['alarm state changes (database)', r.stateChanges],
    ['daemon SIGKILLs', r.kills],
    ['broker outages', r.brokerOutages],
    ['disk-full spells (last MB)', r.diskSkipped ? `skipped: ${r.diskSkipped}` : r.diskFullSpells],
    ['messages at central (unique ids)', r.messagesAtCentral],
    ['  receipts', r.receipts],
    ['  duplicates (at least once)', r.duplicates],
    ['lost', r.lost],
    ['seq gaps', r.seqGaps],
    ['seq reused', r.seqReused],
    ['alarms out of order', r.outOfOrder],
    ['phantom alarms at central', r.phantom],
    ['open alarms without escalation', r.openWithoutEscalation],
    ['PRAGMA integrity_check', r.integrity],
    ['duration (s)', r.seconds],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}
