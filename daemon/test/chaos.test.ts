// The short chaos run of make test (the long one is make chaos): alarms raised
// and cleared while the daemon is SIGKILLed and restarted and central's broker
// goes away and back, the disk filled to its last megabyte for a while (as
// root); then the database and central must agree exactly.
import t from 'tap';
import { chaosTable, runChaos } from './chaos/chaos.js';
import { skipUnless } from './helpers/tools.js';

// make test runs files two at a time on two cores: a daemon restart from source can take several seconds then.
t.setTimeout(300_000);
t.test('chaos (short): nothing acknowledged is lost', { skip: skipUnless('mosquitto'), timeout: 290_000 }, async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.comment(`seed ${seed} (CHAOS_SEED=${seed} replays it)`);
  // Small enough for make test on two busy cores (each restart of the daemon from source takes seconds).
  const r = await runChaos({ dir: t.testdir(), seed, alarms: 16, kills: 5, brokerOutages: 2, diskFull: 1, log: (l) => t.comment(l) });
  t.comment(`\n${chaosTable(r)}`);
  if (r.diskSkipped) t.comment(`disk-full part skipped: ${r.diskSkipped}`);
  t.ok(r.alarms >= 16 && r.kills >= 5, `${r.alarms} alarms, ${r.kills} kills`);
  t.same(r.problems, [], 'the database and central agree');
  t.equal(r.lost, 0, 'nothing lost');
  t.equal(r.seqGaps, 0, 'no seq gap');
  t.equal(r.seqReused, 0, 'no seq reused');
  t.equal(r.openWithoutEscalation, 0, 'every open alarm is being called');
  t.equal(r.integrity, 'ok', 'PRAGMA integrity_check');
});
