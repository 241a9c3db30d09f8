// `make chaos`: 1,000 alarms raised and cleared from the simulated board while
// the daemon is SIGKILLed at random moments (at least 100 times), central's
// mosquitto is stopped and started at random, and the data disk (a small
// tmpfs, as root) is filled to its last megabyte part of the time. Then every
// alarm and state change must be at central exactly as in the database.
// Prints the seed (CHAOS_SEED=<seed> make chaos replays it) and the counts.
//   CHAOS_ALARMS, CHAOS_KILLS, CHAOS_BROKER, CHAOS_DISK override the sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosTable, runChaos } from '../daemon/test/chaos/chaos.js';
import { toolPath } from '../daemon/test/helpers/tools.js';

if (!toolPath('mosquitto')) {
  console.error('make chaos needs mosquitto (Debian package "mosquitto")');
  process.exit(1);
}
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const num = (name: string, d: number) => Number(process.env[name] ?? d);
console.log(`chaos: seed ${seed} (CHAOS_SEED=${seed} make chaos replays it)`);
const dir = mkdtempSync(join(tmpdir(), 'callpoint-chaos-'));
let code = 1;
try {
  const r = await runChaos({
    dir, seed, compiled: true,
    alarms: num('CHAOS_ALARMS', 1000), kills: num('CHAOS_KILLS', 100), brokerOutages: num('CHAOS_BROKER', 30), diskFull: num('CHAOS_DISK', 12),
    log: (l) => console.log(l),
  });
  console.log(`\n${chaosTable(r)}\n`);
  if (r.problems.length) {
    console.log(`${r.problems.length} problems:`);
    for (const p of r.problems.slice(0, 50)) console.log(`  - ${p}`);
  } else if (r.diskSkipped && process.env.CHAOS_DISK !== '0') {
    console.log(`FAILED: the disk-full part did not run (${r.diskSkipped})`);
  } else {
    console.log('chaos: the database and central agree; nothing lost');
    code = 0;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
