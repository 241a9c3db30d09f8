// The alarm-path scenarios (daemon/test/world/scenarios.ts) against a real
// FreeSWITCH (make test-real): a private instance from $FREESWITCH_PREFIX
// configured by `callpoint provision freeswitch`, sipp phones registered with
// the provisioned passwords, the daemon serving directory and dialplan by
// mod_xml_curl. The same list runs on the emulator in make test.
import t from 'tap';
import { createWorld } from '../world/create.js';
import { SCENARIO_CONFIG, SCENARIOS, preparePhones, runScenarios } from '../world/scenarios.js';
import { realFreeswitchMissing } from './freeswitch-instance.js';
import { sippMissing } from './sipp.js';

const missing = realFreeswitchMissing() ?? sippMissing();
if (missing) {
  t.test('alarm scenarios against real FreeSWITCH', { skip: missing }, () => undefined);
} else {
  const world = await createWorld('real', t.testdir(), SCENARIO_CONFIG);
  t.teardown(() => world.close());
  await preparePhones(world);
  await runScenarios(t, world, SCENARIOS);
}
