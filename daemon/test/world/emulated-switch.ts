// The emulator world's switch: FreeSwitchEmulator in this process, on the
// port and with the password provisioning chose, its phones holding the SIP
// passwords provisioning generated and starting unregistered, like the sipp
// phones of the real world.
import { FreeSwitchEmulator, type Phone } from '../../src/sim/freeswitch/index.js';
import { authed, type RawClient } from '../../src/sim/freeswitch/raw-client.js';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import type { Cdr, UasBehaviour, WorldConfig, WorldPhone, WorldSwitch } from './world.js';

class EmulatedPhone implements WorldPhone {
  constructor(private readonly p: Phone, private readonly password: string) {}

  get number(): string {
    return this.p.number;
  }

  async register(o: { password?: string; expiresS?: number } = {}): Promise<'registered' | 'refused'> {
    return this.p.register({ password: o.password ?? this.password, expiresS: o.expiresS });
  }

  async unregister(): Promise<boolean> {
    this.p.unregister();
    return true;
  }

  async serve(b: UasBehaviour): Promise<void> {
    // The behaviour only: registering is register()'s business, as with a real phone.
    this.p.keysAfterAnswer = undefined;
    this.p.busyWhenInCall = false;
    switch (b.kind) {
      case 'desk':
        this.p.behaviour = 'answer';
        this.p.answerAfterMs = b.ringMs;
        this.p.busyWhenInCall = true;
        if (b.ack) this.p.keysAfterAnswer = { digits: '5', afterMs: b.ackAfterMs ?? 500 };
        return;
      case 'ring':
        this.p.behaviour = 'no-answer';
        return;
      case 'intercom':
        this.p.behaviour = 'intercom';
        return;
    }
  }

  async dial(destination: string): Promise<void> {
    this.p.dial(destination);
  }
}

export class EmulatedSwitch implements WorldSwitch {
  readonly kind = 'emulator' as const;
  readonly emu: FreeSwitchEmulator;
  private readonly ended: Cdr[] = [];

  constructor(readonly eslPort: number, private readonly secrets: DeviceSecrets, config: WorldConfig, recordingsDir: string) {
    this.emu = new FreeSwitchEmulator({
      password: secrets.eslPassword, port: eslPort, recordingsDir,
      phones: config.phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone, password: secrets.phoneSecrets[p.number], registered: false, behaviour: 'no-answer' as const })),
    });
    // The emulator's CDR: the variables of each leg's CHANNEL_HANGUP_COMPLETE (what mod_json_cdr writes from).
    this.emu.on('event', (ev) => {
      if (ev.name !== 'CHANNEL_HANGUP_COMPLETE') return;
      const v = (k: string) => ev.get(`variable_${k}`);
      const n = (k: string) => Number(v(k) ?? 0) || 0;
      this.ended.push({
        uuid: ev.get('Unique-ID') ?? '', direction: ev.get('Call-Direction') ?? '',
        callerNumber: v('origination_caller_id_number') ?? ev.get('Caller-ANI') ?? '', destination: ev.get('Caller-Destination-Number') ?? '',
        hangupCause: ev.get('Hangup-Cause') ?? '', startUs: n('start_uepoch'), answerUs: n('answer_uepoch'), endUs: n('end_uepoch'),
        durationS: n('duration'), billsecS: n('billsec'), alarmId: v('callpoint_alarm_id') ?? null,
      });
    });
  }

  get eslPassword(): string {
    return this.secrets.eslPassword;
  }

  async start(): Promise<void> {
    if (this.emu.listening) return;
    // First start, or back after crash(): the same port.
    if (this.started) await this.emu.restart();
    else await this.emu.start();
    this.started = true;
  }

  private started = false;

  async api(command: string): Promise<string> {
    const c = await authed(this.eslPort, this.secrets.eslPassword);
    try {
      return (await c.cmd(`api ${command}`)).body;
    } finally {
      c.close();
    }
  }

  events(): Promise<RawClient> {
    return authed(this.eslPort, this.secrets.eslPassword, 'event plain ALL');
  }

  crash(): Promise<void> {
    return this.emu.crash({ stayDown: true });
  }

  freeze(): void {
    this.emu.freeze();
  }

  thaw(): void {
    this.emu.thaw();
  }

  async cdrs(): Promise<Cdr[]> {
    return [...this.ended];
  }

  async phone(number: string): Promise<WorldPhone> {
    return new EmulatedPhone(this.emu.phone(number), this.secrets.phoneSecrets[number] ?? '');
  }

  async close(): Promise<void> {
    await this.emu.stop();
  }
}
