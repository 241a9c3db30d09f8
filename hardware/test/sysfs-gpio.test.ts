// No sysfs GPIO (a kernel without CONFIG_GPIO_SYSFS): a clear message, a
// fault status, never a crash.
import t from 'tap';
import { Board, type HardwareEvent } from '../src/board.js';
import { parseBoardProfile } from '../src/boards/schema.js';
import { RealDeviceFactory } from '../src/devices.js';
import { GpioUnavailableError } from '../src/gpio/line.js';
import { openSysfsGpio } from '../src/gpio/sysfs-line.js';
import { ManualClock } from '../src/sim/manual-clock.js';
import { quietLog } from './helpers.js';

const MESSAGE = /^sysfs GPIO is not available on this kernel \(.+: \/nonexistent\/class\/gpio is missing\): enable it or use a board profile with an I2C expander$/;

t.test('opening a line without sysfs GPIO rejects with the clear message', async (t) => {
  const err = await openSysfsGpio(529, { direction: 'in' }, { root: '/nonexistent/class/gpio' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(err, GpioUnavailableError);
  t.match((err as Error).message, MESSAGE);
});

t.test('a board on such a kernel starts, reports the gpio device fault and keeps outputs out of the way', async (t) => {
  const profile = parseBoardProfile({
    name: 'gpio-only',
    gpio: { base: 512 },
    inputs: [{ id: 'p1', source: { kind: 'gpio', bcm: 17 } }],
    outputs: [{ id: 'strobe', role: 'strobe', target: { kind: 'gpio', bcm: 5 } }],
  });
  const board = new Board(profile, new RealDeviceFactory({ root: '/nonexistent/class/gpio' }), { log: quietLog, clock: new ManualClock() });
  const events: HardwareEvent[] = [];
  board.onEvent((e) => events.push(e));
  await board.start();
  const st = board.status().gpio;
  t.equal(st?.status, 'fault');
  t.match(st?.detail, /sysfs GPIO is not available on this kernel/);
  t.same(
    events.map((e) => [e.kind, 'device' in e ? e.device : '', 'inputs' in e ? e.inputs : []]),
    [['device-fault', 'gpio', ['p1']]],
  );
  t.equal(board.health().status, 'down', 'no input can be read');
  t.same(board.outputIds(), [], 'the strobe could not be opened');
  t.throws(() => board.output('strobe'), /no output "strobe"/);
  await board.stop();
});
