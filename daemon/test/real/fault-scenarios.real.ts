// FreeSWITCH failing under an alarm (daemon/test/world/fault-scenarios.ts)
// with a real FreeSWITCH: SIGKILL mid-call and restart, SIGSTOP, a long
// outage (OUTAGE_S, default 35 s; OUTAGE_S=600 for the 10 minutes).
import t from 'tap';
import { createWorld } from '../world/create.js';
import { FAULT_SCENARIOS } from '../world/fault-scenarios.js';
import { SCENARIO_CONFIG, preparePhones, runScenarios } from '../world/scenarios.js';
import { realFreeswitchMissing } from './freeswitch-instance.js';
import { sippMissing } from './sipp.js';

const missing = realFreeswitchMissing() ?? sippMissing();
if (missing) {
  t.test('FreeSWITCH faults against real FreeSWITCH', { skip: missing }, () => undefined);
} else {
  const world = await createWorld('real', t.testdir(), SCENARIO_CONFIG);
  t.teardown(() => world.close());
  await preparePhones(world);
  await runScenarios(t, world, FAULT_SCENARIOS);
}
