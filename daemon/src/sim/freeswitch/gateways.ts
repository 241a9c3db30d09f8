// The emulator's sofia gateways: the trunks' far ends. Each has a registration
// state and a ping status (as mod_sofia keeps them), answers the calls sent
// through it as the test says (answer, busy, a failure), keeps what it
// received (the number, the caller ID), and can send calls in.
//
// `sofia xmlstatus gateway [NAME]` is answered in mod_sofia's layout
// (xml_gateway_status(), held to test/fixtures/freeswitch/sofia-gateways.xml):
// the same elements in the same order, gateways newest first (mod_sofia keeps
// them in a list it prepends to), `<retry>` only in FAILED, FAIL_WAIT and
// TRYING; an unknown name is "Invalid Gateway!".
import type { GatewayDef } from './fs-config.js';

/** What the far end does with a call: answer it, or refuse with a SIP code (as FreeSWITCH reports it). */
export type GatewayCallBehaviour = 'answer' | 'busy' | 'unavailable' | 'fail' | 'no-answer';

/** The hangup cause FreeSWITCH gives a bridge when the far end answers 486, 480, 503 (sofia_glue hangup_cause_to_sip, reversed). */
export const BEHAVIOUR_CAUSE: Record<Exclude<GatewayCallBehaviour, 'answer' | 'no-answer'>, string> = {
  busy: 'USER_BUSY',
  unavailable: 'NO_USER_RESPONSE',
  fail: 'NORMAL_TEMPORARY_FAILURE',
};

export interface ReceivedCall {
  /** The number as it reached the far end (the dial string's). */
  number: string;
  callerIdNumber: string;
  variables: Record<string, string>;
  outcome: 'answered' | 'refused' | 'gateway-down' | 'no-answer';
  at: number;
}

const amp = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class SimGateway {
  /** mod_sofia's sofia_state_names[] value. */
  state: string;
  /** UP or DOWN (the ping status). */
  status: 'UP' | 'DOWN' = 'UP';
  behaviour: GatewayCallBehaviour = 'answer';
  answerAfterMs = 200;
  readonly received: ReceivedCall[] = [];
  private upSince = performance.now();
  callsIn = 0;
  callsOut = 0;
  failedIn = 0;
  failedOut = 0;

  constructor(readonly def: GatewayDef, readonly sipPort: number) {
    this.state = this.registers ? 'REGED' : 'NOREG';
  }

  get name(): string {
    return this.def.name;
  }

  get registers(): boolean {
    return this.def.params.register === 'true';
  }

  /** The provider accepts the registration, or the gateway answers pings again. */
  up(): this {
    this.state = this.registers ? 'REGED' : 'NOREG';
    this.status = 'UP';
    this.upSince = performance.now();
    return this;
  }

  /** The registration fails (FAIL_WAIT, retried) or, without registration, pings go unanswered. */
  down(): this {
    this.state = this.registers ? 'FAIL_WAIT' : 'NOREG';
    this.status = 'DOWN';
    return this;
  }

  answer(b: GatewayCallBehaviour): this {
    this.behaviour = b;
    return this;
  }

  /** The channel variables a leg through this gateway carries (direction outbound or inbound). */
  variables(direction: 'inbound' | 'outbound'): Map<string, string> {
    return new Map(this.def.variables.filter((v) => v.direction === 'both' || v.direction === direction).map((v) => [v.name, v.value]));
  }

  xml(): string {
    const p = this.def.params;
    const proxy = p.proxy ?? this.name;
    const realm = p.realm ?? proxy;
    const user = p.username ?? 'FreeSWITCH';
    const ping = Number(p.ping ?? 0);
    const failing = this.state === 'FAILED' || this.state === 'FAIL_WAIT' || this.state === 'TRYING';
    const rows: Array<[string, string]> = [
      ['name', this.name], ['profile', this.def.profile], ['scheme', 'Digest'], ['realm', realm], ['username', user], ['password', p.password ? 'yes' : 'no'],
      ['from', amp(`<sip:${user}@${realm}>`)], ['contact', amp(`<sip:gw+${this.name}@127.0.0.1:${this.sipPort};transport=udp;gw=${this.name}>`)], ['exten', amp(p.extension ?? user)],
      ['to', `sip:${user}@${realm}`], ['proxy', `sip:${proxy}`], ['context', p.context ?? 'public'], ['expires', p['expire-seconds'] ?? '3600'], ['freq', p['expire-seconds'] ?? '3600'],
      ['ping', String(ping ? Math.floor(Date.now() / 1000) + ping : 0)], ['pingfreq', String(ping)], ['pingmin', ping ? '1' : '0'], ['pingcount', '0'], ['pingmax', ping ? '1' : '0'],
      ['pingtime', ping && this.status === 'UP' ? '0.66' : '0.00'], ['pinging', '0'], ['state', this.state], ['status', this.status],
      ['uptime-usec', String(this.status === 'UP' ? Math.floor((performance.now() - this.upSince) * 1000) : 0)],
      ['calls-in', String(this.callsIn)], ['calls-out', String(this.callsOut)], ['failed-calls-in', String(this.failedIn)], ['failed-calls-out', String(this.failedOut)],
    ];
    if (failing) rows.push(['retry', `${Number(p['retry-seconds'] ?? 30)}s`]);
    return `  <gateway>\n${rows.map(([k, v]) => `    <${k}>${v}</${k}>\n`).join('')}  </gateway>\n`;
  }
}

export class SimGateways {
  private readonly map = new Map<string, SimGateway>();

  constructor(defs: readonly GatewayDef[], sipPort = 5080) {
    for (const d of defs) this.map.set(d.name, new SimGateway(d, sipPort));
  }

  get size(): number {
    return this.map.size;
  }

  get(name: string): SimGateway | undefined {
    return this.map.get(name);
  }

  list(): SimGateway[] {
    return [...this.map.values()];
  }

  /** `sofia xmlstatus gateway [NAME]`. */
  xmlStatus(name?: string): string {
    const head = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';
    if (name) {
      const g = this.map.get(name);
      return g ? head + g.xml() : 'Invalid Gateway!\n';
    }
    return `${head}<gateways>\n${[...this.map.values()].reverse().map((g) => g.xml()).join('')}</gateways>\n`;
  }
}
