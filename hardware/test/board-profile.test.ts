// Board profiles: the shipped ones are valid; an invalid one names the path.
import { execFileSync } from 'node:child_process';
import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadBoardProfile } from '../src/boards/load.js';
import { BoardProfileError, parseBoardProfile } from '../src/boards/schema.js';

t.test('the shipped profiles are valid', async (t) => {
  const sim = await loadBoardProfile('sim');
  t.equal(sim.name, 'sim');
  t.same(sim.inputs.map((i) => i.id), ['in1', 'in2', 'in3', 'in4', 'in5', 'in6', 'in7', 'in8', 'sup1']);
  t.same([...new Set(sim.inputs.map((i) => i.zone))], ['east', 'west'], 'two zones');
  t.same(sim.i2c.map((d) => [d.type, d.address]), [['mcp23017', 0x20], ['ads1115', 0x48], ['lm75', 0x49]], 'hex addresses parsed');
  const roles = sim.outputs.map((o) => o.role);
  for (const r of ['strobe', 'siren', 'alarm-sent', 'voice-connected']) t.ok(roles.includes(r as never), `has a ${r} output`);
  for (const i of sim.inputs) {
    t.ok(sim.outputs.some((o) => o.point === i.id && o.role === 'alarm-sent'), `${i.id} has an alarm-sent LED`);
    t.ok(sim.outputs.some((o) => o.point === i.id && o.role === 'voice-connected'), `${i.id} has a voice-connected LED`);
  }
  const hat = await loadBoardProfile('rpi4-callpoint-hat');
  t.equal(hat.gpio.base, 512, 'the Pi 4 profile is for kernels numbering from 512');
  t.same(hat.i2c.map((d) => [d.id, d.bus, d.address]), [['mcp0', 1, 0x20], ['ads0', 1, 0x48], ['temp0', 1, 0x49]]);
});

t.test('unknown name and unreadable file are clear errors', async (t) => {
  await t.rejects(loadBoardProfile('pi9'), { name: 'BoardProfileError', message: /no board profile "pi9" \(built in: sim, rpi4-callpoint-hat/ });
  await t.rejects(loadBoardProfile('/nonexistent/board.json'), /cannot be read/);
});

t.test('board: naming a device, a FIFO, a directory or a huge file is refused before anything is read', async (t) => {
  // /dev/zero would be read for ever (and fill memory); a FIFO would block the read until a writer comes.
  await t.rejects(loadBoardProfile('/dev/zero'), { name: 'BoardProfileError', message: 'board profile /dev/zero is a device, not a JSON file' });
  await t.rejects(loadBoardProfile('/dev/null'), { message: /is a device, not a JSON file/ });
  const dir = await mkdtemp(join(tmpdir(), 'board-'));
  await t.rejects(loadBoardProfile(dir), { message: /is a directory, not a JSON file/ });
  const fifo = join(dir, 'board.json');
  execFileSync('mkfifo', [fifo]);
  await t.rejects(loadBoardProfile(fifo), { message: /is a FIFO, not a JSON file/ }, 'refused at once, not blocked waiting for a writer');
  const huge = join(dir, 'huge.json');
  await writeFile(huge, '');
  await truncate(huge, 2 * 1024 ** 3); // 2 GB, sparse: refused by its size, never read
  await t.rejects(loadBoardProfile(huge), { message: /huge\.json is 2147483648 bytes; a profile is at most 262144 bytes/ });
});

t.test('a profile from a file, and an invalid one reports each path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'board-'));
  const good = join(dir, 'good.json');
  await writeFile(good, JSON.stringify({ name: 'mini', inputs: [{ id: 'b1', source: { kind: 'gpio', bcm: 17 } }] }));
  const p = await loadBoardProfile(good);
  t.same(p.inputs[0], { id: 'b1', source: { kind: 'gpio', bcm: 17 }, activeLow: true, debounceMs: 30, longPressMs: 3000, stuckAfterMs: 120000 }, 'defaults applied');
  t.equal(p.gpio.base, 0);

  const bad = join(dir, 'bad.json');
  await writeFile(
    bad,
    JSON.stringify({
      name: 'bad',
      i2c: [{ type: 'mcp23017', id: 'mcp0', bus: 1, address: '0x80' }],
      inputs: [
        { id: 'b1', source: { kind: 'gpio', bcm: 17 } },
        { id: 'b2', source: { kind: 'mcp23017', device: 'mcp1', pin: 'a0' } },
        { id: 'b3', source: { kind: 'mcp23017', device: 'mcp0', pin: 'c9' } },
        { id: 'b4', source: { kind: 'ads1115', device: 'ads0', channel: 0, thresholds: { shortBelowV: 1, pressedBelowV: 0.5, openAboveV: 2 } } },
      ],
      outputs: [{ id: 'led', role: 'alarm-sent', point: 'b9', target: { kind: 'gpio', bcm: 17 } }],
    }),
  );
  const err = await loadBoardProfile(bad).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(err, BoardProfileError);
  const msg = (err as Error).message;
  t.match(msg, /^board profile .*bad\.json is not valid:/);
  t.match(msg, /i2c\.0\.address: a 7-bit I2C address is 0x03–0x77/);
  t.match(msg, /inputs\.2\.source\.pin: an MCP23017 pin is a0\.\.a7 or b0\.\.b7/);
  t.match(msg, /inputs\.3\.source\.thresholds: thresholds must rise/);
});

t.test('cross-references: unknown device, wrong device type, a pin used twice, unknown point', async (t) => {
  const base = {
    name: 'x',
    i2c: [
      { type: 'mcp23017', id: 'mcp0', bus: 1, address: '0x20' },
      { type: 'lm75', id: 'temp0', bus: 1, address: '0x49' },
    ],
  };
  const check = (extra: object, re: RegExp) => t.throws(() => parseBoardProfile({ ...base, ...extra }), re, String(re));
  check({ inputs: [{ id: 'b1', source: { kind: 'mcp23017', device: 'mcp1', pin: 'a0' } }] }, /inputs\.0\.source\.device: no I2C device "mcp1"/);
  check({ inputs: [{ id: 'b1', source: { kind: 'mcp23017', device: 'temp0', pin: 'a0' } }] }, /inputs\.0\.source\.device: "temp0" is a lm75, not a mcp23017/);
  check(
    {
      inputs: [{ id: 'b1', source: { kind: 'mcp23017', device: 'mcp0', pin: 'a0' } }],
      outputs: [{ id: 'o', role: 'strobe', target: { kind: 'mcp23017', device: 'mcp0', pin: 'a0' } }],
    },
    /outputs\.0\.target: mcp0\.a0 is already used by inputs\.0\.source/,
  );
  check({ inputs: [{ id: 'b1', source: { kind: 'gpio', bcm: 4 } }, { id: 'b1', source: { kind: 'gpio', bcm: 5 } }] }, /inputs\.1\.id: input id "b1" is used twice/);
  check({ inputs: [], outputs: [{ id: 'o', role: 'alarm-sent', point: 'zz', target: { kind: 'gpio', bcm: 5 } }] }, /outputs\.0\.point: no input "zz"/);
  check({ inputs: [{ id: 'b1', source: { kind: 'gpio', bcm: 4 }, extra: 1 }] }, /inputs\.0: Unrecognized key/);
  check({ inputs: [{ id: 'b1', source: { kind: 'mcp23017', device: 'mcp0', pin: 'a1' }, activeLow: false }] }, /inputs\.0\.activeLow: MCP23017 inputs use the internal pull-up/);
});
