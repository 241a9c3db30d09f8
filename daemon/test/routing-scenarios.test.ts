// The routing scenarios (routing-world/scenarios.ts) on the FreeSWITCH
// emulator: the real daemon in a child process, the emulator running the
// configuration `callpoint provision freeswitch` wrote — its xml_curl binding
// to the daemon, the static fallback, the trunks' gateways as far ends. The
// same list runs against a real FreeSWITCH in daemon/test/real/routing-scenarios.real.ts.
import t from 'tap';
import { createEmulatedWorld } from './routing-world/emulated.js';
import { runScenarios, scenarioSite } from './routing-world/scenarios.js';

const world = await createEmulatedWorld(t.testdir(), scenarioSite({ telecom: 'sip.telecom.example', fxo: '192.168.10.20', gsm: '192.168.10.21' }));
t.teardown(() => world.close());
await runScenarios(t, world);
