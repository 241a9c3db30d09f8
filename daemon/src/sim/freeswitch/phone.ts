// A simulated SIP endpoint registered as a user (extension).
import { randomUUID } from 'node:crypto';
//
// Registration follows what FreeSWITCH 1.10 reports (registration-plain.raw):
// an authenticated REGISTER fires sofia::pre_register, sofia::register_attempt
// (auth-result RENEWED) and sofia::register; a wrong password fires
// pre_register, register_attempt (FORBIDDEN) and sofia::register_failure and
// the phone stays unregistered; Expires: 0 fires pre_register,
// register_attempt, PRESENCE_IN "Unregistered" and sofia::unregister; a
// registration left to run out fires sofia::expire and PRESENCE_IN. The first,
// unauthenticated REGISTER (answered 401) fires nothing, so it is not modelled.
export type PhoneBehaviour =
  | 'answer'
  | 'busy'
  | 'no-answer'
  | 'unregistered'
  /** An intercom with auto-answer: answers at once an INVITE that asks for it (sip_auto_answer=true → Call-Info answer-after=0), else only rings. */
  | 'intercom';

export interface PhoneConfig {
  number: string;
  name?: string;
  /** Its zone (the directory variable callpoint_zone Callpoint provisions: on its calls and in registration events). */
  zone?: string;
  behaviour?: PhoneBehaviour;
  /** How long the phone rings before answering (behaviour 'answer'). Default 200 ms. */
  answerAfterMs?: number;
  /** A desk phone without call waiting: 486 Busy Here while it is on a call. Default false. */
  busyWhenInCall?: boolean;
  /** Its SIP password: register() with another one is refused, as FreeSWITCH refuses it (403). */
  password?: string;
  /** Registered from the start (default true, unless the behaviour is 'unregistered'). */
  registered?: boolean;
  /** After answering a call the phone presses these keys (RFC 2833, DTMF-Source RTP) afterMs later: a dispatcher acknowledging. */
  keysAfterAnswer?: { digits: string; afterMs: number };
}

export type RegistrationEvent =
  | { kind: 'register'; expiresS: number }
  | { kind: 'register-failure'; expiresS: number }
  | { kind: 'unregister' }
  | { kind: 'expire'; expiresAtS: number };

/** What a Phone needs from the emulator (kept narrow so phone.ts stays independent). */
export interface PhoneHost {
  ringingLegOf(number: string): string | undefined;
  liveLegOf(number: string): string | undefined;
  answerLeg(uuid: string): boolean;
  hangupLeg(uuid: string, cause: string): boolean;
  phoneDtmf(uuid: string, digits: string): void;
  phoneDial(number: string, destination: string): string;
  registration(phone: Phone, e: RegistrationEvent): void;
}

export class Phone {
  behaviour: PhoneBehaviour;
  answerAfterMs: number;
  busyWhenInCall: boolean;
  keysAfterAnswer: { digits: string; afterMs: number } | undefined;
  readonly name: string;
  readonly zone: string | undefined;
  /** DTMF the far end sent towards this phone (uuid_send_dtmf), for tests. */
  readonly receivedDtmf: string[] = [];
  private registered: boolean;
  private expiry: NodeJS.Timeout | undefined;
  /** Each registration is a new SIP dialog (a new Call-ID). */
  registrations = 0;
  /** The current registration: its SIP Call-ID (kept across refreshes, new for a new registration) and when it was made (epoch s). */
  registration = { callId: randomUUID(), at: Math.floor(Date.now() / 1000) };

  constructor(readonly number: string, private readonly cfg: PhoneConfig, private readonly host: PhoneHost) {
    this.behaviour = cfg.behaviour ?? 'answer';
    this.answerAfterMs = cfg.answerAfterMs ?? 200;
    this.busyWhenInCall = cfg.busyWhenInCall ?? false;
    this.keysAfterAnswer = cfg.keysAfterAnswer;
    this.name = cfg.name ?? number;
    this.zone = cfg.zone;
    this.registered = cfg.registered ?? this.behaviour !== 'unregistered';
  }

  get isRegistered(): boolean {
    return this.registered && this.behaviour !== 'unregistered';
  }

  setBehaviour(b: PhoneBehaviour): this {
    if (b !== 'unregistered') this.renewRegistration();
    this.behaviour = b;
    if (b !== 'unregistered') this.registered = true;
    return this;
  }

  /** A phone that registers again after being away does so with a new Call-ID, now. */
  private renewRegistration(): void {
    if (!this.isRegistered) this.registration = { callId: randomUUID(), at: Math.floor(Date.now() / 1000) };
  }

  /**
   * REGISTER with digest auth. A password other than the configured one is
   * refused. expiresS: the registration runs out then (sofia::expire) unless
   * renewed; without it, it lasts.
   */
  register(o: { password?: string; expiresS?: number } = {}): 'registered' | 'refused' {
    const expiresS = o.expiresS ?? 3600;
    this.registrations++;
    if (this.cfg.password !== undefined && o.password !== undefined && o.password !== this.cfg.password) {
      this.host.registration(this, { kind: 'register-failure', expiresS });
      return 'refused';
    }
    this.renewRegistration();
    this.registered = true;
    if (this.behaviour === 'unregistered') this.behaviour = 'answer';
    clearTimeout(this.expiry);
    this.host.registration(this, { kind: 'register', expiresS });
    if (o.expiresS !== undefined) {
      const at = Math.floor(Date.now() / 1000) + expiresS;
      this.expiry = setTimeout(() => {
        this.registered = false;
        this.host.registration(this, { kind: 'expire', expiresAtS: at });
      }, expiresS * 1000);
      this.expiry.unref();
    }
    return 'registered';
  }

  /** REGISTER with Expires: 0. */
  unregister(): this {
    clearTimeout(this.expiry);
    const was = this.registered;
    this.registered = false;
    this.registrations++;
    if (was) this.host.registration(this, { kind: 'unregister' });
    return this;
  }

  /** Answer a ringing call now (the given one, or the one ringing this phone). */
  answer(uuid?: string): boolean {
    const leg = uuid ?? this.host.ringingLegOf(this.number);
    return leg ? this.host.answerLeg(leg) : false;
  }

  /** Hang up this phone's call (the caller presses the hook). */
  hangup(cause = 'NORMAL_CLEARING'): boolean {
    const leg = this.host.liveLegOf(this.number);
    return leg ? this.host.hangupLeg(leg, cause) : false;
  }

  /** The phone sends DTMF into its call: DTMF events on its leg. */
  sendDtmf(digits: string): boolean {
    const leg = this.host.liveLegOf(this.number);
    if (!leg) return false;
    this.host.phoneDtmf(leg, digits);
    return true;
  }

  /** The phone places a call: an inbound leg to the destination. Returns its uuid. */
  dial(destination: string): string {
    return this.host.phoneDial(this.number, destination);
  }

  /** Forget timers (the emulator stops). */
  dispose(): void {
    clearTimeout(this.expiry);
  }
}
