// The GSM modem driver (SIM800 / SIM7600 / Quectel EC2x class, 3GPP TS 27.007
// and 27.005) for SMS alarms, USSD and the failover voice trunk's call state.
//
// Every time the port opens (first time, after a USB modem came back, after
// the modem rebooted — "RDY") the modem is initialised from scratch, since it
// forgets its settings: AT until it answers, ATE0, AT+CMEE=2 (verbose errors),
// the SIM (sim-unlock.ts: a PIN the card refused is never entered again —
// across restarts too, through the PinMemory the owner gives), AT+CREG=2 and
// AT+CEREG=2 (LTE modems; a 2G modem answers ERROR, then it is not asked
// again), AT+CLIP=1 (caller number with RING), the IMEI; with a usable SIM
// also AT+CMGF=0 (PDU mode), AT+CNMI=2,1,0,2,0 (see below), IMSI and ICCID,
// and AT+CMGL=4 for messages that arrived while we were away. Then every
// `pollMs`: AT+CSQ, AT+CREG?, AT+CEREG?, AT+COPS?. SMS set-up: sms-setup.ts.
//
// The driver owns its engine and link: start() starts both, stop() stops both.
import type { Logger } from 'pino';
import { systemClock, type Cancel, type Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import type { AtEngine } from '../at/engine.js';
import type { AtCommandOptions, AtResult, Urc } from '../at/types.js';
import type { SerialLink } from '../link.js';
import { CallTracker } from './calls.js';
import { ModemStatus, SIM_FAULTS } from './modem-status.js';
import { PowerWatch } from './power-watch.js';
import { lineWith } from './results.js';
import { findIdentity, isRegistered, parseCops, parseCsq, parseRegistration } from './signal.js';
import { ConfiguredPin } from './pin-memory.js';
import { SimUnlocker } from './sim-unlock.js';
import { lastNumber, SmsInbox } from './sms-inbox.js';
import { SmsSender, type SendSmsOptions } from './sms-sender.js';
import { setupSms } from './sms-setup.js';
import type { CallResult, GsmModemContext, GsmModemEvents, GsmStatus, SendSmsResult, SmsHandler, UssdResult } from './types.js';
import { UssdClient } from './ussd.js';

const PROBE_TRIES = 5;
const PROBE_TIMEOUT_MS = 1000;

export class GsmModem extends Emitter<GsmModemEvents> {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly st: ModemStatus;
  private readonly unlocker: SimUnlocker;
  private readonly inbox: SmsInbox;
  private readonly sender: SmsSender;
  private readonly ussdClient: UssdClient;
  private readonly calls: CallTracker;
  private offs: (() => void)[] = [];
  /** Bumped on every open/close/stop: work of an older generation stops at its next step. */
  private gen = 0;
  private initDone: Promise<void> = Promise.resolve();
  private pollTimer: Cancel | undefined;
  private ceregSupported = true;
  private readonly power: PowerWatch;
  private silentPolls = 0;

  constructor(
    private readonly engine: AtEngine,
    private readonly link: SerialLink,
    ctx: GsmModemContext,
  ) {
    super((err) => ctx.log.error({ err }, 'GSM modem event listener failed'));
    this.log = ctx.log;
    this.clock = ctx.clock ?? systemClock;
    this.pollMs = ctx.pollMs ?? 30_000;
    const send = (cmd: string, opts?: AtCommandOptions): Promise<AtResult> => this.engine.send(cmd, opts);
    this.st = new ModemStatus(
      ctx.id,
      this.clock,
      this.log,
      { status: (s) => this.emit('status', s), fault: (f) => this.emit('fault', f), cleared: (f) => this.emit('fault-cleared', f) },
      ctx.registrationGraceMs ?? 120_000,
      ctx.signalGraceMs ?? 60_000,
    );
    this.power = new PowerWatch(this.clock, this.st);
    this.unlocker = new SimUnlocker(send, this.log, this.clock, ctx.pins ?? new ConfiguredPin(ctx.pin));
    this.inbox = new SmsInbox({
      send,
      log: this.log,
      clock: this.clock,
      retryMs: ctx.smsRetryMs ?? 60_000,
      partsTimeoutMs: ctx.partsTimeoutMs ?? 24 * 3600_000,
      onSms: (sms) => this.emit('sms', sms),
      onDelivery: (r) => this.emit('delivery', r),
      onBadPdu: (b) => this.emit('bad-pdu', b),
    });
    this.sender = new SmsSender(send, this.log, () => this.sendBlocked());
    this.ussdClient = new UssdClient(send, this.clock);
    this.calls = new CallTracker(this.clock, (e) => this.emit('call', e), send);
  }

  start(): void {
    if (this.st.phase !== 'stopped') return;
    this.st.phase = 'init';
    this.st.update();
    this.engine.start();
    this.offs = [
      this.link.on('open', () => this.reinitialise()),
      this.link.on('close', (reason) => this.onClose(reason)),
      this.engine.on('urc', (u) => this.onUrc(u)),
    ];
    // A link that is already open will not say `open` again: initialise now.
    const alreadyOpen = this.link.isOpen;
    this.link.start();
    if (alreadyOpen) this.reinitialise();
  }

  async stop(): Promise<void> {
    if (this.st.phase === 'stopped') return;
    this.gen++;
    this.st.phase = 'stopped';
    for (const off of this.offs) off();
    this.offs = [];
    this.pollTimer?.();
    this.power.stop();
    this.inbox.stop();
    this.calls.stop();
    this.ussdClient.abort('the GSM modem was stopped');
    this.engine.stop();
    await this.link.stop();
    this.st.update();
  }

  status(): GsmStatus {
    return this.st.snapshot();
  }

  /** Usable for calls and SMS now: ready, registered, some signal. */
  available(): boolean {
    const s = this.st.snapshot();
    return s.state === 'ready' && isRegistered(s.registration) && s.bars > 0;
  }

  /** The daemon's SMS store: a message is deleted from the modem only after this resolves. One handler. */
  onSms(handler: SmsHandler): () => void {
    this.inbox.setHandler(handler);
    if (this.st.sim === 'ready' && this.link.isOpen) void this.inbox.sweep();
    return () => this.inbox.clearHandler(handler);
  }

  sendSms(to: string, text: string, opts: SendSmsOptions = {}): Promise<SendSmsResult> {
    return this.sender.sendSms(to, text, opts);
  }

  async ussd(code: string): Promise<UssdResult> {
    if (!UssdClient.valid(code)) return this.ussdClient.request(code); // the error value
    const blocked = await this.sendBlocked();
    return blocked === undefined ? this.ussdClient.request(code) : { ok: false, error: `USSD ${code} not sent: ${blocked}` };
  }

  /** Voice calls of the failover trunk (state only; the audio path is not here). */
  dial(number: string): Promise<CallResult> {
    return this.calls.dial(number);
  }

  answer(): Promise<CallResult> {
    return this.calls.answer();
  }

  hangup(): Promise<CallResult> {
    return this.calls.hangup();
  }

  /**
   * Check the SIM now rather than at the next poll — after a person gave a
   * PIN to the PinMemory, so that it is entered at once. Resolves when done.
   */
  async recheckSim(): Promise<void> {
    if (!this.link.isOpen || this.st.phase === 'stopped') return;
    await this.initDone;
    await this.checkSim(this.gen, true);
  }

  /**
   * A technician's "test now": ask the modem now what the next poll would —
   * AT alive, signal, SIM, registration, operator — instead of waiting up to
   * pollMs. Resolves when the answers are in status().
   */
  async checkNow(): Promise<void> {
    if (this.st.phase === 'stopped') return;
    await this.initDone;
    if (this.link.isOpen) await this.pollOnce(this.gen);
    else this.st.update();
  }

  /** Resolves when the current initialisation and inbox work are done (tests, diagnostics). */
  async settled(): Promise<void> {
    await this.initDone;
    await this.inbox.idle();
  }

  // ---- initialisation -----------------------------------------------------

  private reinitialise(): void {
    if (this.st.phase === 'stopped') return;
    const gen = ++this.gen;
    this.pollTimer?.();
    this.initDone = this.initialise(gen).catch((err: unknown) => this.log.error({ err }, 'GSM modem initialisation failed'));
  }

  private stale(gen: number): boolean {
    return gen !== this.gen;
  }

  private async initialise(gen: number): Promise<void> {
    this.st.phase = 'init';
    this.st.update();
    const alive = await this.probe();
    if (this.stale(gen)) return;
    if (!alive) {
      this.st.setFault('modem-silent', `the modem on ${this.link.path} does not answer AT`);
    } else {
      this.silentPolls = 0;
      this.st.clearFault('modem-silent');
      this.power.backOn();
      await this.at('ATE0');
      await this.at('AT+CMEE=2');
      await this.checkSim(gen, false);
      if (this.stale(gen)) return;
      await this.at('AT+CREG=2');
      this.ceregSupported = (await this.at('AT+CEREG=2')).kind !== 'error';
      await this.at('AT+CLIP=1');
      const imei = await this.at('AT+CGSN');
      this.st.imei = findIdentity(imei.kind === 'ok' ? imei.lines : [], 'imei') ?? this.st.imei;
      if (this.st.sim === 'ready') await this.setupSms(gen);
    }
    if (this.stale(gen)) return;
    this.st.phase = 'run';
    await this.poll(gen);
    if (alive && this.st.sim === 'ready') void this.inbox.sweep();
  }

  /** AT until it answers (a modem booting, or still in a half-sent line, misses the first ones). */
  private async probe(tries = PROBE_TRIES): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      const r = await this.at('AT', { timeoutMs: PROBE_TIMEOUT_MS });
      if (r.kind === 'ok') return true;
      if (r.kind === 'disconnected') return false;
    }
    return false;
  }

  /** Read the SIM (entering the PIN if allowed). A SIM that became usable is set up before its faults clear. */
  private async checkSim(gen: number, setUp: boolean): Promise<void> {
    const res = await this.unlocker.check();
    if (this.stale(gen) || res.sim === 'unknown') return;
    // A locked or missing card: the ICCID read before the PIN, or none (another card may be in now).
    if (res.sim === 'pin' || res.sim === 'absent') this.st.iccid = res.iccid;
    else if (res.iccid) this.st.iccid = res.iccid;
    const becameReady = res.sim === 'ready' && this.st.sim !== 'ready';
    this.st.sim = res.sim;
    if (becameReady && setUp) {
      await this.setupSms(gen);
      void this.inbox.sweep();
      if (this.stale(gen)) return;
    }
    for (const code of SIM_FAULTS) {
      if (res.fault?.code === code) this.st.setFault(code, res.fault.detail);
      else this.st.clearFault(code);
    }
    this.st.update();
  }

  private async setupSms(gen: number): Promise<void> {
    const id = await setupSms((cmd) => this.at(cmd), this.clock, () => this.stale(gen));
    if (id.imsi) this.st.imsi = id.imsi;
    if (id.iccid) this.st.iccid = id.iccid;
    this.st.update();
  }

  // ---- polling ------------------------------------------------------------

  private schedulePoll(gen: number): void {
    this.pollTimer?.();
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      if (!this.stale(gen)) void this.poll(gen);
    }, this.pollMs);
  }

  private async poll(gen: number): Promise<void> {
    try {
      await this.pollOnce(gen);
    } catch (err) {
      this.log.error({ err }, 'GSM poll failed');
    }
    if (!this.stale(gen)) this.schedulePoll(gen);
  }

  private async pollOnce(gen: number): Promise<void> {
    if (!this.link.isOpen) return;
    if (this.st.has('modem-silent') || this.power.poweredOff) {
      // Powered down or hung: when it answers again, start over.
      if (await this.probe(1)) this.reinitialise();
      return;
    }
    const csq = await this.at('AT+CSQ', { prefix: '+CSQ:' });
    if (this.stale(gen)) return;
    if (csq.kind === 'timeout') {
      if (++this.silentPolls >= 2) this.st.setFault('modem-silent', `the modem on ${this.link.path} stopped answering`);
      return;
    }
    this.silentPolls = 0;
    const q = parseCsq(lineWith(csq, '+CSQ:') ?? '');
    if (q) Object.assign(this.st, { rssi: q.rssi, dbm: q.dbm, bars: q.bars });
    // A SIM that was missing or locked may have changed (inserted, unlocked by hand). A refused PIN is not re-sent.
    if (this.st.sim !== 'ready') await this.checkSim(gen, true);
    const creg = await this.at('AT+CREG?', { prefix: '+CREG:' });
    this.st.creg = parseRegistration(lineWith(creg, '+CREG:') ?? '', 'read') ?? this.st.creg;
    if (this.ceregSupported) {
      const cereg = await this.at('AT+CEREG?', { prefix: '+CEREG:' });
      if (cereg.kind === 'error') this.ceregSupported = false;
      this.st.cereg = parseRegistration(lineWith(cereg, '+CEREG:') ?? '', 'read') ?? this.st.cereg;
    }
    const cops = await this.at('AT+COPS?', { prefix: '+COPS:' });
    if (cops.kind === 'ok') this.st.operator = parseCops(lineWith(cops, '+COPS:') ?? '');
    if (this.stale(gen)) return;
    this.st.evaluate();
    void this.inbox.expire();
  }

  // ---- events from the port and the modem ---------------------------------

  private onClose(reason: string): void {
    if (this.st.phase === 'stopped') return;
    this.gen++;
    this.pollTimer?.();
    this.st.phase = 'run';
    this.st.lost();
    this.calls.end('the modem port closed');
    this.ussdClient.abort(`the modem port closed (${reason})`);
    this.st.setFault('modem-silent', `the modem port ${this.link.path} closed (${reason}); reopening`);
  }

  private onUrc(u: Urc): void {
    const name = u.name.toUpperCase();
    switch (name) {
      case '+CMTI':
      case '+CDSI': {
        // +CMTI: <mem>,<index> (27.005 §3.4.1)
        const index = Number(/,\s*(\d+)\s*$/.exec(u.args)?.[1]);
        if (Number.isInteger(index)) void this.inbox.stored(index);
        return;
      }
      case '+CMT':
      case '+CDS':
        // +CMT: [<alpha>],<length> / +CDS: <length> (27.005 §3.4.1, PDU mode), then the PDU line.
        if (u.pdu !== undefined) void this.inbox.direct(u.pdu, lastNumber(u.args));
        else this.log.warn({ urc: u.line }, 'SMS indication without its PDU line');
        return;
      case '+CREG':
      case '+CEREG': {
        const reg = parseRegistration(u.line, 'urc');
        if (reg === undefined) return;
        if (name === '+CREG') this.st.creg = reg;
        else this.st.cereg = reg;
        this.st.evaluate();
        return;
      }
      case '+CUSD':
        this.ussdClient.onCusd(u.args);
        return;
      case 'RDY':
        // The modem restarted on its own (brown-out, watchdog): its settings are gone.
        if (this.st.phase === 'run') this.reinitialise();
        return;
      case '+CPIN':
        if (/NOT INSERTED/i.test(u.args) && this.st.phase === 'run') {
          this.st.sim = 'absent';
          this.st.setFault('no-sim', `the SIM was removed (+CPIN: ${u.args.trim()})`);
        } else if (/READY/i.test(u.args) && this.st.sim !== 'ready' && this.st.phase === 'run') void this.recheckSim();
        return;
      default:
        break;
    }
    const power = this.power.onUrc(u.line);
    if (power === 'off') this.calls.end('the modem powered down');
    else if (power === undefined) this.calls.onUrc(u);
  }

  // ---- helpers ------------------------------------------------------------

  private at(cmd: string, opts?: AtCommandOptions): Promise<AtResult> {
    return this.engine.send(cmd, opts);
  }

  /** Why an SMS or USSD cannot go out now, or undefined. Waits for an initialisation in progress. */
  private async sendBlocked(): Promise<string | undefined> {
    if (this.st.phase === 'stopped') return 'the GSM modem is stopped';
    await this.initDone;
    if (!this.link.isOpen) return `the modem port ${this.link.path} is not open`;
    const fault = this.st.detailOf(['modem-silent', ...SIM_FAULTS]) ?? (this.power.poweredOff ? this.st.detailOf(['power-down']) : undefined);
    if (fault !== undefined) return fault;
    if (this.st.sim !== 'ready') return `the SIM is not ready (${this.st.sim})`;
    return undefined;
  }
}
