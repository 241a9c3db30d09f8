// The alarm-path scenarios (daemon/test/world/scenarios.ts) in the emulator
// world: the daemon as a child process against the FreeSWITCH emulator. The
// same list runs against real FreeSWITCH in `make test-real`
// (daemon/test/real/alarm-scenarios.real.ts).
import t from 'tap';
import { createWorld } from './world/create.js';
import { SCENARIO_CONFIG, SCENARIOS, preparePhones, runScenarios } from './world/scenarios.js';

const world = await createWorld('emulator', t.testdir(), SCENARIO_CONFIG);
t.teardown(() => world.close());
await preparePhones(world);
await runScenarios(t, world, SCENARIOS);
