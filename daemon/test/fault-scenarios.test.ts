// FreeSWITCH failing under an alarm (daemon/test/world/fault-scenarios.ts) in
// the emulator world: it crashes, comes back on the same port, freezes. The
// same list runs against a real FreeSWITCH (SIGKILL, SIGSTOP) in make test-real.
import t from 'tap';
import { createWorld } from './world/create.js';
import { FAULT_SCENARIOS } from './world/fault-scenarios.js';
import { SCENARIO_CONFIG, preparePhones, runScenarios } from './world/scenarios.js';

t.setTimeout(300_000);
const world = await createWorld('emulator', t.testdir(), SCENARIO_CONFIG);
t.teardown(() => world.close());
await preparePhones(world);
await runScenarios(t, world, FAULT_SCENARIOS);
