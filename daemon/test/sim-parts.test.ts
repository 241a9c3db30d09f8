// `callpoint run --simulate[=PARTS]`: which parts are simulated, and a clear
// refusal of a part that does not exist. That a simulated board drives a real
// FreeSWITCH is what every scenario of make test-real does
// (CALLPOINT_SIMULATE=board,lines, daemon/test/world/world.ts).
import t from 'tap';
import { FULL_SIMULATION, parseSimParts } from '../src/sim/parts.js';
import { cli } from './helpers/daemon.js';

t.test('parts: all, none named, a comma list', async (t) => {
  t.same([...parseSimParts(true, undefined)], [...FULL_SIMULATION], 'bare --simulate is everything');
  t.same([...parseSimParts('all', undefined)], [...FULL_SIMULATION]);
  t.same([...parseSimParts(undefined, '1')], [...FULL_SIMULATION], 'CALLPOINT_SIMULATE=1 as before');
  t.same([...parseSimParts(undefined, undefined)], [], 'no flag, no variable: nothing simulated');
  t.same([...parseSimParts('board, lines', '1')], ['board', 'lines'], 'only the board and the serial lines; the flag wins over the variable');
  t.throws(() => parseSimParts('board,gpio', undefined), /unknown part "gpio" \(parts: board, freeswitch, broker, lines, or all\)/);
});

t.test('run refuses an unknown part before doing anything', async (t) => {
  const r = await cli(['run', '--simulate=board,gsm', '--config', '/nonexistent.yaml']);
  t.equal(r.code, 2, 'a usage error');
  t.match(r.stderr, /unknown part "gsm"/);
});
