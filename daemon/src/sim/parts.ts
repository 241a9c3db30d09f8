// Which parts of the appliance are simulated: `callpoint run --simulate`
// (everything) or `--simulate=board,lines` (a list). Simulation swaps the
// source, not the logic: a simulated board drives the same alarm service, and
// a real FreeSWITCH can be called from simulated presses — for commissioning
// on a bench, training, and the real-FreeSWITCH test tier.
//   board       call-point inputs and lamps (no GPIO or I2C needed); presses from the UI, the API or `callpoint sim press`
//   freeswitch  the FreeSWITCH emulator in the daemon, instead of freeswitch.host:port
//   broker      an embedded MQTT broker on 127.0.0.1:1883 when uplink.brokers is empty
//   lines       `sim:NAME` serial ports: a simulated GSM modem or line card on a pseudo-terminal
export const SIM_PARTS = ['board', 'freeswitch', 'broker', 'lines'] as const;
export type SimPart = (typeof SIM_PARTS)[number];
export type SimParts = ReadonlySet<SimPart>;

export const NO_SIMULATION: SimParts = new Set();
export const FULL_SIMULATION: SimParts = new Set(SIM_PARTS);

/**
 * The parts from the --simulate flag (true: bare flag; a string: its value) or
 * CALLPOINT_SIMULATE (1/true/all, or a list). Throws with the offending word.
 */
export function parseSimParts(flag: string | boolean | undefined, envValue: string | undefined): SimParts {
  const raw = flag === true ? 'all' : typeof flag === 'string' ? flag : envValue;
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return NO_SIMULATION;
  if (raw === '1' || raw === 'true' || raw === 'all') return FULL_SIMULATION;
  const parts = new Set<SimPart>();
  for (const word of raw.split(',').map((w) => w.trim()).filter(Boolean)) {
    if (!(SIM_PARTS as readonly string[]).includes(word)) throw new Error(`--simulate: unknown part "${word}" (parts: ${SIM_PARTS.join(', ')}, or all)`);
    parts.add(word as SimPart);
  }
  return parts;
}

export const describeSimParts = (p: SimParts) => (p.size === SIM_PARTS.length ? 'all' : p.size ? [...p].join(',') : 'none');
