// The board profile: which line or chip each call-point input and each
// output is wired to, as data (boards/*.json). Validated here with paths in
// every error ("inputs.3.source.device: no I2C device \"mcp1\"").
import { z } from 'zod';
import { DEFAULT_THRESHOLDS, DEFAULT_WIRING } from '../i2c/supervised-loop.js';

interface KeyMeta {
  title: string;
  description: string;
}
const meta = (m: KeyMeta) => m as unknown as Record<string, unknown>;

const ident = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'an id is 1–63 characters of a-z, 0-9, ".", "-" or "_"');
// "0x20" as datasheets write it, or a number.
const address = z
  .union([z.number(), z.string().regex(/^0x[0-9a-fA-F]{1,2}$/, 'an address is a number or hex such as "0x20"').transform((s) => parseInt(s, 16))])
  .pipe(z.number().int().min(0x03, 'a 7-bit I2C address is 0x03–0x77').max(0x77, 'a 7-bit I2C address is 0x03–0x77'));
const ms = z.number().int().min(0);

const mcp23017 = z
  .strictObject({
    type: z.literal('mcp23017'),
    id: ident,
    bus: z.number().int().min(0).meta(meta({ title: 'I2C bus', description: '/dev/i2c-N; bus 1 on the Pi header pins 3/5.' })),
    address: address.meta(meta({ title: 'Address', description: '0x20–0x27 by A2..A0.' })),
    intGpio: z.number().int().min(0).optional().meta(meta({ title: 'INT line', description: 'BCM number of the GPIO wired to INTA (open-drain, active low, mirrored). Without it the chip is polled.' })),
    pollMs: ms.min(5).default(1000).meta(meta({ title: 'Poll interval (ms)', description: 'Safety-net read of GPIO; used alone (set it to ~20 ms) when there is no INT line.' })),
    retryMs: ms.min(100).default(5000).meta(meta({ title: 'Retry interval (ms)', description: 'How often a chip that does not answer is tried again.' })),
  })
  .meta(meta({ title: 'MCP23017 expander', description: '16 I/O lines over I2C.' }));

const ads1115 = z
  .strictObject({
    type: z.literal('ads1115'),
    id: ident,
    bus: z.number().int().min(0),
    address: address.meta(meta({ title: 'Address', description: '0x48–0x4B by the ADDR pin.' })),
    fsr: z.union([z.literal(6.144), z.literal(4.096), z.literal(2.048), z.literal(1.024), z.literal(0.512), z.literal(0.256)]).default(4.096).meta(meta({ title: 'Full-scale range (V)', description: 'PGA setting; 4.096 for a 3.3 V loop.' })),
    dataRate: z.union([z.literal(8), z.literal(16), z.literal(32), z.literal(64), z.literal(128), z.literal(250), z.literal(475), z.literal(860)]).default(860).meta(meta({ title: 'Data rate (SPS)', description: 'Higher is faster per sample.' })),
    pollMs: ms.min(5).default(50).meta(meta({ title: 'Sample interval (ms)', description: 'Every supervised channel is converted once per interval.' })),
    retryMs: ms.min(100).default(5000),
  })
  .meta(meta({ title: 'ADS1115 ADC', description: 'Measures supervised (end-of-line) inputs.' }));

const lm75 = z
  .strictObject({
    type: z.literal('lm75'),
    id: ident,
    bus: z.number().int().min(0),
    address: address.meta(meta({ title: 'Address', description: '0x48–0x4F by A2..A0.' })),
    resolution: z.union([z.literal(9), z.literal(11)]).default(9).meta(meta({ title: 'Resolution (bits)', description: '9 for LM75A (0.5 °C), 11 for LM75B (0.125 °C).' })),
    pollMs: ms.min(100).default(10000),
    retryMs: ms.min(100).default(5000),
  })
  .meta(meta({ title: 'LM75 temperature sensor', description: 'Cabinet temperature for health.' }));

const i2cDevice = z.discriminatedUnion('type', [mcp23017, ads1115, lm75]);

const gpioRef = z.strictObject({ kind: z.literal('gpio'), bcm: z.number().int().min(0).max(63) });
const mcpRef = z.strictObject({ kind: z.literal('mcp23017'), device: ident, pin: z.string().regex(/^[ab][0-7]$/, 'an MCP23017 pin is a0..a7 or b0..b7') });
const adcRef = z.strictObject({
  kind: z.literal('ads1115'),
  device: ident,
  channel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  wiring: z
    .strictObject({ supplyV: z.number().positive(), pullUpOhms: z.number().positive(), eolOhms: z.number().positive(), alarmOhms: z.number().positive() })
    .default(DEFAULT_WIRING)
    .meta(meta({ title: 'Loop wiring', description: 'Resistor values of the supervised loop (documentation and simulation).' })),
  thresholds: z
    .strictObject({ shortBelowV: z.number(), pressedBelowV: z.number(), openAboveV: z.number() })
    .default(DEFAULT_THRESHOLDS)
    .refine((t) => t.shortBelowV < t.pressedBelowV && t.pressedBelowV < t.openAboveV, 'thresholds must rise: shortBelowV < pressedBelowV < openAboveV')
    .meta(meta({ title: 'Thresholds (V)', description: 'short < shortBelowV ≤ pressed < pressedBelowV ≤ normal ≤ openAboveV < open.' })),
  faultSamples: z.number().int().min(1).default(3).meta(meta({ title: 'Samples to a wiring fault', description: 'Consecutive open/short samples before a wiring fault is reported.' })),
});

const input = z
  .strictObject({
    id: ident.meta(meta({ title: 'Input id', description: 'What config points[].input names.' })),
    label: z.string().max(120).optional(),
    zone: ident.optional().meta(meta({ title: 'Zone hint', description: 'Where the input is usually used; the daemon config (points[].zone) decides.' })),
    source: z.discriminatedUnion('kind', [gpioRef, mcpRef, adcRef]),
    activeLow: z.boolean().default(true).meta(meta({ title: 'Active low', description: 'Pressed pulls the line to GND (pull-up wiring). Ignored for supervised inputs.' })),
    debounceMs: ms.max(1000).default(30),
    longPressMs: ms.default(3000),
    stuckAfterMs: ms.default(120000).meta(meta({ title: 'Stuck after (ms)', description: 'A button held this long is reported stuck (a supervision fault).' })),
  })
  .meta(meta({ title: 'Input', description: 'A call-point button.' }));

const output = z
  .strictObject({
    id: ident,
    role: z.enum(['strobe', 'siren', 'alarm-sent', 'voice-connected', 'other']).meta(meta({ title: 'Role', description: 'alarm-sent (yellow) and voice-connected (green) are the EN 81-28 indications of a point.' })),
    point: ident.optional().meta(meta({ title: 'Input', description: 'The input (call point) a per-point LED belongs to.' })),
    target: z.discriminatedUnion('kind', [gpioRef, mcpRef]),
    activeLow: z.boolean().default(false),
    safe: z.enum(['off', 'on']).default('off').meta(meta({ title: 'Safe state', description: 'Applied at start and on stop.' })),
  })
  .meta(meta({ title: 'Output', description: 'A strobe, siren or LED.' }));

export const boardProfileSchema = z
  .strictObject({
    name: ident,
    description: z.string().default(''),
    gpio: z
      .strictObject({
        base: z.number().int().min(0).meta(meta({ title: 'GPIO base', description: 'sysfs number of BCM0: 512 on Raspberry Pi kernels from 6.6 (Pi 4), 0 on older ones; see /sys/class/gpio/gpiochip*/base.' })),
      })
      .default({ base: 0 }),
    i2c: z.array(i2cDevice).default([]),
    inputs: z.array(input),
    outputs: z.array(output).default([]),
  })
  .superRefine((p, ctx) => {
    const devices = new Map(p.i2c.map((d) => [d.id, d]));
    const seen = (what: string, list: { id: string }[], key: string) => {
      const ids = new Set<string>();
      list.forEach((x, i) => {
        if (ids.has(x.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `${what} id "${x.id}" is used twice` });
        ids.add(x.id);
      });
    };
    seen('I2C device', p.i2c, 'i2c');
    seen('input', p.inputs, 'inputs');
    seen('output', p.outputs, 'outputs');
    const addrs = new Set<string>();
    p.i2c.forEach((d, i) => {
      const k = `${d.bus}:${d.address}`;
      if (addrs.has(k)) ctx.addIssue({ code: 'custom', path: ['i2c', i, 'address'], message: `two devices at address ${d.address} on bus ${d.bus}` });
      addrs.add(k);
    });
    const used = new Map<string, string>();
    const claim = (key: string, path: (string | number)[]) => {
      const prev = used.get(key);
      if (prev) ctx.addIssue({ code: 'custom', path, message: `${key} is already used by ${prev}` });
      else used.set(key, path.join('.'));
    };
    p.i2c.forEach((d, i) => {
      if (d.type === 'mcp23017' && d.intGpio !== undefined) claim(`gpio BCM${d.intGpio}`, ['i2c', i, 'intGpio']);
    });
    const checkRef = (ref: z.infer<typeof gpioRef> | z.infer<typeof mcpRef> | z.infer<typeof adcRef>, path: (string | number)[]) => {
      switch (ref.kind) {
        case 'gpio':
          claim(`gpio BCM${ref.bcm}`, path);
          break;
        case 'mcp23017':
        case 'ads1115': {
          const d = devices.get(ref.device);
          if (!d) ctx.addIssue({ code: 'custom', path: [...path, 'device'], message: `no I2C device "${ref.device}" in i2c` });
          else if (d.type !== ref.kind) ctx.addIssue({ code: 'custom', path: [...path, 'device'], message: `"${ref.device}" is a ${d.type}, not a ${ref.kind}` });
          claim(ref.kind === 'mcp23017' ? `${ref.device}.${ref.pin}` : `${ref.device}.ch${ref.channel}`, path);
          break;
        }
      }
    };
    p.inputs.forEach((x, i) => {
      checkRef(x.source, ['inputs', i, 'source']);
      // The driver enables the 100k pull-up on every MCP23017 input: an open contact reads high.
      if (x.source.kind === 'mcp23017' && !x.activeLow) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'activeLow'], message: 'MCP23017 inputs use the internal pull-up: wire the button to GND and keep activeLow true' });
    });
    const inputIds = new Set(p.inputs.map((x) => x.id));
    p.outputs.forEach((o, i) => {
      checkRef(o.target, ['outputs', i, 'target']);
      if (o.point !== undefined && !inputIds.has(o.point)) ctx.addIssue({ code: 'custom', path: ['outputs', i, 'point'], message: `no input "${o.point}"` });
    });
  })
  .meta(meta({ title: 'Board profile', description: 'Pin map of a Callpoint board.' }));

export type BoardProfile = z.infer<typeof boardProfileSchema>;
export type BoardProfileInput = z.input<typeof boardProfileSchema>;
export type InputProfile = BoardProfile['inputs'][number];
export type OutputProfile = BoardProfile['outputs'][number];
export type I2cDeviceProfile = BoardProfile['i2c'][number];

export class BoardProfileError extends Error {
  override readonly name = 'BoardProfileError';
}

/** Validate `data`; a BoardProfileError lists every problem with its path. */
export function parseBoardProfile(data: unknown, source = 'board profile'): BoardProfile {
  const r = boardProfileSchema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new BoardProfileError(`${source} is not valid:\n${lines.join('\n')}`);
}
