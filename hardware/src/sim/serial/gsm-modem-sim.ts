// A simulated GSM/LTE modem (SIM800, SIM7600, Quectel EC2x class) on the far
// end of a byte pipe: a node Duplex in-process, or a serialport SerialPort on
// the other end of a socat pty pair, so the daemon's real serial stack, AT
// engine and GSM driver run unchanged against it (STYLE.md 6).
//
// The wire (echo, prompt, URCs, quirks) is gsm-modem-sim-wire.ts; the command
// handlers are gsm-modem-sim-commands.ts and gsm-modem-sim-sms.ts. Echo is on
// at power-up (ATE1), as on the real parts.
//
// Tests and the simulation mode drive the network side (receiveSms,
// deliverReport, setSignal, setRegistration, setSim, incomingCall) and inject
// the quirks real modems show (echo, a URC inside a response, slowness, line
// noise, a truncated response, an unexpected error, power-down notices).
import { systemClock, type Clock } from '../../clock.js';
import { decodeSubmit, encodeDeliver, encodeStatusReport } from '../../serial/sms/index.js';
import {
  effectiveReg,
  regLine,
  runCommand,
  splitCommandLine,
  tpduLength,
  type ModemActions,
  type ModemState,
  type Reply,
  type SimCardState,
  type SimModel,
} from './gsm-modem-sim-commands.js';
import { ModemWire, type SentSms } from './gsm-modem-sim-wire.js';
import { record } from '../bounded-log.js';

export type { SimCardState, SimModel, SmsSlot } from './gsm-modem-sim-commands.js';
export type { GsmModemSimEvents, SentSms } from './gsm-modem-sim-wire.js';

export interface GsmModemSimOptions {
  model?: SimModel;
  clock?: Clock;
  /** Echo at power-up (real modems: on). */
  echo?: boolean;
  sim?: SimCardState;
  pin?: string;
  puk?: string;
  imei?: string;
  imsi?: string;
  iccid?: string;
  operator?: string;
  /** 27.007 +CSQ rssi 0..31 or 99. */
  rssi?: number;
  /** 27.007 +CREG stat. */
  registration?: number;
  /** Memory slots in "SM". */
  memorySize?: number;
  /** USSD code → network answer. */
  ussdReplies?: Record<string, string>;
  /** Network latency of +CMGS and of USSD answers. */
  networkDelayMs?: number;
  /** Time between RINGs of an incoming call (real networks: ~3–5 s). */
  ringIntervalMs?: number;
}

type Registration = 'home' | 'roaming' | 'searching' | 'denied' | 'not-searching' | 'unknown';
const REG_STAT: Record<Registration, number> = { 'not-searching': 0, home: 1, searching: 2, denied: 3, unknown: 4, roaming: 5 };

export class GsmModemSim extends ModemWire {
  readonly state: ModemState;
  /** Every whole SMS the host sent. */
  readonly sent: SentSms[] = [];
  private readonly netDelay: number;
  private readonly ringMs: number;
  private nextMr = 0;
  private nextConcat = 42;
  private readonly partial = new Map<string, { pdus: string[]; mrs: number[]; texts: (string | undefined)[]; statusReport: boolean }>();
  /** Messages the "network" holds while the memory is full. */
  private readonly held: string[] = [];

  constructor(opts: GsmModemSimOptions = {}) {
    super(opts.clock ?? systemClock);
    this.netDelay = opts.networkDelayMs ?? 100;
    this.ringMs = opts.ringIntervalMs ?? 3000;
    const sim = opts.sim ?? 'ready';
    this.state = {
      model: opts.model ?? 'ec25',
      echo: opts.echo ?? true,
      cmee: 0,
      sim,
      pinEnabled: sim === 'pin' || sim === 'puk',
      pin: opts.pin ?? '1234',
      puk: opts.puk ?? '12345678',
      pinAttempts: sim === 'puk' ? 0 : 3,
      pukAttempts: 10,
      regStat: opts.registration ?? 1,
      cregN: 0,
      ceregN: 0,
      rssi: opts.rssi ?? 20,
      ber: 0,
      operator: opts.operator ?? 'CHINA MOBILE',
      lac: '1A2B',
      ci: '01C3D4E5',
      imei: opts.imei ?? '867330051234567',
      imsi: opts.imsi ?? '460001234567890',
      iccid: opts.iccid ?? '89860012345678901234',
      smsc: '+8613800100500',
      cmgf: 0,
      cscs: 'GSM',
      cnmi: [2, 1, 0, 0, 0],
      clip: false,
      cusdN: 0,
      slots: new Array<undefined>(opts.memorySize ?? 30).fill(undefined),
      call: undefined,
      ussdReplies: opts.ussdReplies ?? { '*100#': 'Balance: 12.30 CNY' },
    };
  }

  // ---- network side -------------------------------------------------------

  /**
   * An SMS from the network: stored in the first free "SM" slot(s) and
   * announced with +CMTI (CNMI mt=1), or delivered directly as +CMT (mt=2).
   * `order` lists 1-based part numbers in arrival order (e.g. [3, 1, 2]);
   * `announce: false` stores without +CMTI (a message that came while the host
   * was away, or one whose URC a test injects itself). Returns the slots used.
   */
  receiveSms(from: string, text: string, opts: { order?: number[]; sentAt?: Date; concatRef?: number; announce?: boolean } = {}): number[] {
    const concatRef = opts.concatRef ?? this.nextConcat;
    this.nextConcat = (this.nextConcat + 1) & 0xff;
    const pdus = encodeDeliver(from, text, { sentAt: opts.sentAt ?? new Date(this.clock.now()), concatRef });
    const order = opts.order ?? pdus.map((_, i) => i + 1);
    const used: number[] = [];
    for (const n of order) {
      const hex = pdus[n - 1];
      if (hex === undefined) throw new Error(`receiveSms: no part ${n} of ${pdus.length}`);
      const idx = this.deliver(hex, opts.announce ?? true);
      if (idx !== undefined) used.push(idx);
    }
    return used;
  }

  /** Store a raw SMS-DELIVER PDU (hex with SMSC octet) as if from the network, e.g. a broken one. */
  receivePdu(hex: string): number | undefined {
    return this.deliver(hex, true);
  }

  /** The network reports on a message the host sent (TP-MR `mr`): +CDS (CNMI ds=1) or stored + +CDSI (ds=2). */
  deliverReport(mr: number, delivered: boolean): void {
    const msg = this.sent.find((m) => m.mrs.includes(mr));
    const hex = encodeStatusReport(msg?.to ?? '+8613800000000', {
      messageRef: mr,
      status: delivered ? 0x00 : 0x41, // 23.040 §9.2.3.15: 0x41 incompatible destination, a permanent failure
      sentAt: new Date(this.clock.now()),
      dischargedAt: new Date(this.clock.now()),
    });
    const ds = this.state.cnmi[3];
    if (ds === 1) this.urc(`+CDS: ${tpduLength(hex)}\r\n${hex}`);
    else if (ds === 2) {
      const idx = this.store(hex, 'status-report');
      if (idx !== undefined) this.urc(`+CDSI: "SM",${idx}`);
    }
  }

  setSignal(rssi: number, ber = 0): void {
    this.state.rssi = rssi;
    this.state.ber = ber;
  }

  /** 27.007 stat number or a name; announces +CREG/+CEREG if the host enabled them. */
  setRegistration(stat: number | Registration): void {
    this.state.regStat = typeof stat === 'number' ? stat : REG_STAT[stat];
    this.registrationChanged();
  }

  /** Change the SIM: 'pin' (with its PIN) enables the PIN lock; 'ready' is a SIM without PIN. */
  setSim(state: SimCardState, pin?: string): void {
    const s = this.state;
    s.sim = state;
    if (pin !== undefined) s.pin = pin;
    s.pinEnabled = state === 'pin' || state === 'puk';
    s.pinAttempts = state === 'puk' ? 0 : 3;
    this.registrationChanged();
  }

  /** PIN attempts left (a third wrong PIN blocks the SIM). */
  pinAttemptsLeft(): number {
    return this.state.pinAttempts;
  }

  /** An incoming voice call: RING (and +CLIP when enabled) until answered or hung up. */
  incomingCall(number: string): void {
    this.state.call = { dir: 'in', number, state: 'ringing' };
    const ring = (): void => {
      if (this.state.call?.dir !== 'in' || this.state.call.state !== 'ringing') return;
      this.urc('RING');
      if (this.state.clip) this.urc(`+CLIP: "${number}",${number.startsWith('+') ? 145 : 129},"",0,"",0`);
      this.later(this.ringMs, ring);
    };
    ring();
  }

  /** The far end hangs up (or an outgoing call fails): NO CARRIER. */
  remoteHangup(result: 'NO CARRIER' | 'BUSY' | 'NO ANSWER' = 'NO CARRIER'): void {
    if (!this.state.call) return;
    this.state.call = undefined;
    this.urc(result);
  }

  /** The memory as the host would list it. */
  memory(): { index: number; stat: number; kind: string; hex: string }[] {
    return this.state.slots.flatMap((s, i) => (s ? [{ index: i + 1, stat: s.stat, kind: s.kind, hex: s.hex }] : []));
  }

  // ---- power -------------------------------------------------------------

  /**
   * The modem announces a shutdown: "NORMAL POWER DOWN" (SIM800 after AT+CPOWD
   * or the power key) and "UNDER-VOLTAGE POWER DOWN" switch it off (silent until
   * powerOn()); "UNDER-VOLTAGE WARNNING" (sic, SIM800) is only a warning.
   */
  powerDownNotice(kind: 'normal' | 'under-voltage' | 'under-voltage-warning' = 'normal'): void {
    if (kind === 'under-voltage-warning') {
      this.urc('UNDER-VOLTAGE WARNNING');
      return;
    }
    this.urc(kind === 'normal' ? 'NORMAL POWER DOWN' : 'UNDER-VOLTAGE POWER DOWN');
    this.powered = false;
    this.state.call = undefined;
  }

  /** Power up again: volatile settings back to defaults, PIN asked again if enabled, "RDY" and start-up URCs. */
  powerOn(): void {
    const s = this.state;
    this.powered = true;
    Object.assign(s, { echo: true, cmee: 0, cmgf: 0, cregN: 0, ceregN: 0, clip: false, cnmi: [2, 1, 0, 0, 0], cscs: 'GSM' });
    if (s.sim === 'ready' && s.pinEnabled) s.sim = 'pin';
    this.urc('RDY');
    this.urc('+CFUN: 1');
    if (s.sim === 'absent') return;
    this.urc(`+CPIN: ${s.sim === 'ready' ? 'READY' : s.sim === 'pin' ? 'SIM PIN' : 'SIM PUK'}`);
    if (s.sim === 'ready' && s.model === 'sim800') this.urc('Call Ready\r\n\r\nSMS Ready');
  }

  // ---- commands -----------------------------------------------------------

  protected execute(line: string): Reply | undefined {
    if (!/^AT/i.test(line)) return undefined; // not a command: a real modem ignores it
    const lines: string[] = [];
    for (const cmd of splitCommandLine(line.slice(2))) {
      const r = runCommand(this.state, this.actions, cmd);
      if ('prompt' in r) return r;
      lines.push(...r.lines);
      if (r.final !== 'OK') return { lines, final: r.final };
    }
    return { lines, final: 'OK' };
  }

  protected submit(len: number, hex: string): void {
    const bad = (): void => this.respond({ lines: [], final: this.state.cmee === 0 ? 'ERROR' : this.state.cmee === 1 ? '+CMS ERROR: 304' : '+CMS ERROR: invalid PDU mode parameter' });
    if (!/^([0-9A-Fa-f]{2})+$/.test(hex) || tpduLength(hex) !== len) return bad();
    let decoded: ReturnType<typeof decodeSubmit>;
    try {
      decoded = decodeSubmit(hex);
    } catch {
      return bad();
    }
    const mr = this.nextMr;
    this.nextMr = (this.nextMr + 1) & 0xff;
    this.later(this.netDelay, () => {
      this.respond({ lines: [`+CMGS: ${mr}`], final: 'OK' });
      this.recordSent(hex, mr, decoded);
    });
  }

  private recordSent(hex: string, mr: number, d: ReturnType<typeof decodeSubmit>): void {
    const parts = d.concat?.parts ?? 1;
    const key = `${d.to}/${d.concat?.ref ?? `single${mr}`}`;
    let p = this.partial.get(key);
    if (!p) {
      p = { pdus: [], mrs: [], texts: new Array<string | undefined>(parts).fill(undefined), statusReport: d.statusReport };
      this.partial.set(key, p);
    }
    p.pdus.push(hex);
    p.mrs.push(mr);
    p.texts[(d.concat?.part ?? 1) - 1] = d.text;
    if (p.texts.some((x) => x === undefined)) return;
    this.partial.delete(key);
    const sms: SentSms = { to: d.to, text: p.texts.join(''), parts, mrs: p.mrs, statusReport: p.statusReport, pdus: p.pdus };
    if (d.concat) sms.ref = d.concat.ref;
    record(this.sent, sms);
    this.emit('sms', sms);
  }

  private readonly actions: ModemActions = {
    ussd: (code) => {
      const answer = this.state.ussdReplies[code];
      this.later(this.netDelay * 3, () => {
        if (answer === undefined) return this.urc('+CUSD: 4'); // operation not supported
        const text = this.state.cscs === 'UCS2' ? Buffer.from(answer, 'utf16le').swap16().toString('hex').toUpperCase() : answer;
        this.urc(`+CUSD: 0,"${text}",${this.state.cscs === 'UCS2' ? 72 : 15}`);
      });
    },
    dial: (number) => {
      this.state.call = { dir: 'out', number, state: 'dialing' };
      this.later(this.netDelay * 5, () => {
        if (this.state.call?.dir === 'out' && this.state.call.state === 'dialing') this.state.call.state = 'active';
      });
    },
    answer: () => {
      if (this.state.call) this.state.call.state = 'active';
    },
    hangup: () => {
      this.state.call = undefined;
    },
    registrationChanged: () => this.registrationChanged(),
    deleted: (indexes) => {
      this.emit('deleted', indexes);
      // The network retries what it held while the memory was full (a moment later: after the OK).
      this.later(this.netDelay, () => {
        while (this.held.length && this.state.slots.includes(undefined)) this.deliver(this.held.shift() ?? '', true);
      });
    },
  };

  private registrationChanged(): void {
    const s = this.state;
    if (s.cregN > 0) this.urc(regLine(s, 'CREG', true));
    if (s.ceregN > 0 && s.model !== 'sim800') this.urc(regLine(s, 'CEREG', true));
    if (effectiveReg(s) === 0 && s.call) this.remoteHangup();
  }

  private deliver(hex: string, announce: boolean): number | undefined {
    if (this.state.cnmi[1] === 2) {
      this.urc(`+CMT: ,${tpduLength(hex)}\r\n${hex}`);
      return undefined;
    }
    const idx = this.store(hex, 'deliver');
    if (idx === undefined) {
      this.held.push(hex);
      return undefined;
    }
    if (announce && this.state.cnmi[1] === 1) this.urc(`+CMTI: "SM",${idx}`);
    return idx;
  }

  private store(hex: string, kind: 'deliver' | 'status-report'): number | undefined {
    const free = this.state.slots.indexOf(undefined);
    if (free < 0) return undefined;
    this.state.slots[free] = { stat: 0, hex: hex.toUpperCase(), kind };
    return free + 1;
  }
}
