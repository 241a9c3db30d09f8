// A simulated SIP endpoint registered as a user (extension).
export type PhoneBehaviour = 'answer' | 'busy' | 'no-answer' | 'unregistered';

export interface PhoneConfig {
  number: string;
  name?: string;
  behaviour?: PhoneBehaviour;
  /** How long the phone rings before answering (behaviour 'answer'). Default 200 ms. */
  answerAfterMs?: number;
  /** A desk phone without call waiting: 486 Busy Here while it is on a call. Default false. */
  busyWhenInCall?: boolean;
  /** Its zone, as the directory gives it (callpoint_zone on its calls). */
  zone?: string;
}

/** What a Phone needs from the emulator (kept narrow so phone.ts stays independent). */
export interface PhoneHost {
  ringingLegOf(number: string): string | undefined;
  liveLegOf(number: string): string | undefined;
  answerLeg(uuid: string): boolean;
  hangupLeg(uuid: string, cause: string): boolean;
  phoneDtmf(uuid: string, digits: string): void;
  phoneDial(number: string, destination: string): string;
}

export class Phone {
  behaviour: PhoneBehaviour;
  answerAfterMs: number;
  busyWhenInCall: boolean;
  readonly name: string;
  readonly zone: string | undefined;
  /** DTMF the far end sent towards this phone (uuid_send_dtmf), for tests. */
  readonly receivedDtmf: string[] = [];
  private registered: boolean;

  constructor(readonly number: string, cfg: PhoneConfig, private readonly host: PhoneHost) {
    this.behaviour = cfg.behaviour ?? 'answer';
    this.answerAfterMs = cfg.answerAfterMs ?? 200;
    this.busyWhenInCall = cfg.busyWhenInCall ?? false;
    this.name = cfg.name ?? number;
    this.zone = cfg.zone;
    this.registered = this.behaviour !== 'unregistered';
  }

  get isRegistered(): boolean {
    return this.registered && this.behaviour !== 'unregistered';
  }

  setBehaviour(b: PhoneBehaviour): this {
    this.behaviour = b;
    if (b !== 'unregistered') this.registered = true;
    return this;
  }

  register(): this {
    this.registered = true;
    if (this.behaviour === 'unregistered') this.behaviour = 'answer';
    return this;
  }

  unregister(): this {
    this.registered = false;
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
}
