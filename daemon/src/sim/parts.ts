// Which parts of the appliance `callpoint run --simulate[=PARTS]` replaces by
// a simulation. Each part is swapped on its own, so a bench, a training room
// or the real-FreeSWITCH test tier can drive a real FreeSWITCH from simulated
// buttons (`--simulate=board,lines,broker`), or a real board against the
// emulator (`--simulate=freeswitch`).
//
//   board       simulated GPIO/I2C devices: call points pressed through the
//               sim API (`callpoint sim press`), lamps and strobes in memory
//   freeswitch  the FreeSWITCH emulator on a free loopback port instead of
//               freeswitch.host:port
//   broker      an embedded MQTT broker when uplink.brokers is empty
//   lines       `sim:` serial ports: a simulated GSM modem and line card
//
// A bare `--simulate` (or CALLPOINT_SIMULATE=1) is all of them.

export const SIM_PARTS = ['board', 'freeswitch', 'broker', 'lines'] as const;
export type SimPart = (typeof SIM_PARTS)[number];
export type SimParts = ReadonlySet<SimPart>;

export const ALL_SIM_PARTS: SimParts = new Set(SIM_PARTS);
export const NO_SIM_PARTS: SimParts = new Set();

/** `all` (or empty, or `1`) → every part; otherwise a comma list of part names. Throws naming a part it does not know. */
export function parseSimParts(text: string): SimParts {
  const t = text.trim();
  if (t === '' || t === 'all' || t === '1' || t === 'true') return ALL_SIM_PARTS;
  const parts = new Set<SimPart>();
  for (const word of t.split(',').map((w) => w.trim())) {
    if (!(SIM_PARTS as readonly string[]).includes(word)) throw new Error(`--simulate: unknown part "${word}" (parts: ${SIM_PARTS.join(', ')}, or all)`);
    parts.add(word as SimPart);
  }
  return parts;
}

/** The daemon's options accept the old boolean too (true = every part). */
export function simPartsOf(v: boolean | SimParts | undefined): SimParts {
  if (v === true) return ALL_SIM_PARTS;
  if (!v) return NO_SIM_PARTS;
  return v;
}
