// The routing scenarios (daemon/test/routing-world/scenarios.ts) against a
// real FreeSWITCH: a private instance from $FREESWITCH_PREFIX configured by
// `callpoint provision freeswitch` — the trunks as sofia gateways to sipp
// peers, the dialplan from the daemon through mod_xml_curl, the static file as
// its fallback — sipp phones registered with the provisioned passwords. The
// same list runs on the emulator in make test (daemon/test/routing-scenarios.test.ts).
//   FREESWITCH_PREFIX=/opt/freeswitch npx tap daemon/test/real/routing-scenarios.real.ts
// ONLY=text runs the first scenario (the trunks come up) and those whose name contains the text.
import t from 'tap';
import { runScenarios, SCENARIOS, scenarioSite } from '../routing-world/scenarios.js';
import { createRealWorld, routingRealMissing } from './routing-real-world.js';

const missing = routingRealMissing();
if (missing) {
  t.test('routing scenarios against real FreeSWITCH', { skip: missing }, () => undefined);
} else {
  const world = await createRealWorld(t.testdir(), scenarioSite);
  t.teardown(() => world.close());
  const only = process.env.ONLY;
  await runScenarios(t, world, only ? SCENARIOS.filter(([name], i) => i === 0 || name.includes(only)) : SCENARIOS);
}
