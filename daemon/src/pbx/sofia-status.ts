// The answer of `sofia xmlstatus gateway`: every gateway's registration state
// and ping status. Written by mod_sofia's xml_gateway_status() (mod_sofia.c,
// FreeSWITCH 1.10), one element per line:
//   <?xml version="1.0" encoding="ISO-8859-1"?>
//   <gateways>
//     <gateway>
//       <name>telecom</name> <profile>external</profile> … <state>REGED</state>
//       <status>UP</status> <uptime-usec>…</uptime-usec> <calls-in>0</calls-in> …
//       [<retry>12s</retry>]   (only in FAILED, FAIL_WAIT and TRYING)
//     </gateway>
//   </gateways>
// The states are sofia_state_names[]: UNREGED TRYING REGISTER REGED
// UNREGISTER FAILED FAIL_WAIT EXPIRED NOREG DOWN TIMEOUT; the status is UP or
// DOWN (pings: a gateway without ping stays UP). Only <from>, <contact> and
// <exten> are &-encoded by mod_sofia; the fields read here never need it.
// A capture of the real answer is in test/fixtures/freeswitch/sofia-gateways.*.

export const SOFIA_STATES = ['UNREGED', 'TRYING', 'REGISTER', 'REGED', 'UNREGISTER', 'FAILED', 'FAIL_WAIT', 'EXPIRED', 'NOREG', 'DOWN', 'TIMEOUT'] as const;

export interface SofiaGateway {
  name: string;
  profile: string;
  /** One of SOFIA_STATES (kept as text: a later FreeSWITCH may add states). */
  state: string;
  /** UP or DOWN. */
  status: string;
  /** Seconds until the next registration attempt, when failed or trying; null: none or never. */
  retryS: number | null;
  pingMs: number | null;
  callsIn: number;
  callsOut: number;
  failedCallsIn: number;
  failedCallsOut: number;
}

const field = (block: string, name: string): string | null => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(block);
  return m ? m[1]!.trim() : null;
};
const int = (v: string | null) => (v !== null && /^-?\d+$/.test(v) ? Number(v) : 0);

/** The gateways of the answer; null when it is not the xmlstatus document (mod_sofia not loaded, an error). */
export function parseGatewayStatus(body: string): SofiaGateway[] | null {
  if (!/<gateways>/.test(body) && !/<gateway>/.test(body)) return null;
  const out: SofiaGateway[] = [];
  for (const m of body.matchAll(/<gateway>([\s\S]*?)<\/gateway>/g)) {
    const b = m[1]!;
    const name = field(b, 'name');
    if (!name) continue;
    const retry = field(b, 'retry');
    const ping = field(b, 'pingtime');
    out.push({
      name,
      profile: field(b, 'profile') ?? '',
      state: field(b, 'state') ?? 'DOWN',
      status: field(b, 'status') ?? 'DOWN',
      retryS: retry && /^\d+s$/.test(retry) ? Number(retry.slice(0, -1)) : null,
      pingMs: ping !== null && Number(ping) > 0 ? Number(ping) : null,
      callsIn: int(field(b, 'calls-in')),
      callsOut: int(field(b, 'calls-out')),
      failedCallsIn: int(field(b, 'failed-calls-in')),
      failedCallsOut: int(field(b, 'failed-calls-out')),
    });
  }
  return out;
}

/** Can the gateway take a call now, and why (in words for a technician). */
export function gatewayUsable(g: SofiaGateway): { up: boolean; detail: string } {
  const retry = g.retryS !== null ? `, next try in ${g.retryS} s` : '';
  switch (g.state) {
    case 'REGED':
    case 'NOREG':
      // Registered (or nothing to register): usable while it answers pings (a gateway without pings stays UP).
      if (g.status !== 'UP') return { up: false, detail: `does not answer pings (${g.state})` };
      if (g.state === 'REGED') return { up: true, detail: `registered${g.pingMs !== null ? `, ping ${g.pingMs.toFixed(1)} ms` : ''}` };
      return { up: true, detail: g.pingMs !== null ? `answers pings (${g.pingMs.toFixed(1)} ms)` : 'no registration needed' };
    case 'FAILED':
    case 'FAIL_WAIT':
      return { up: false, detail: `registration failed (${g.state}${retry})` };
    case 'TRYING':
    case 'REGISTER':
      return { up: false, detail: `registering (${g.state}${retry})` };
    default:
      return { up: false, detail: `not registered (${g.state})` };
  }
}
