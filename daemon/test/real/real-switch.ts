// The real world's switch: a private FreeSWITCH configured by Callpoint's
// provisioning output (freeswitch-instance.ts) and sipp phones with the SIP
// passwords provisioning generated.
import { join } from 'node:path';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import type { RawClient } from '../../src/sim/freeswitch/raw-client.js';
import type { Cdr, WorldPhone, WorldSwitch } from '../world/world.js';
import { RealFreeswitch, type FreeswitchPorts } from './freeswitch-instance.js';
import { SippPhone } from './sipp.js';

interface JsonCdr {
  variables?: Record<string, string>;
  callflow?: Array<{ caller_profile?: Record<string, string> }>;
}

const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : 0);

export class RealSwitch implements WorldSwitch {
  readonly kind = 'real' as const;
  private readonly phones = new Map<string, SippPhone>();

  private constructor(
    readonly fs: RealFreeswitch,
    private readonly secrets: DeviceSecrets,
  ) {}

  /** dir: where FreeSWITCH lives; provisioned: the output of `callpoint provision freeswitch` for these ports. */
  static create(o: { dir: string; ports: FreeswitchPorts; secrets: DeviceSecrets; provisioned: string }): RealSwitch {
    const prefix = process.env.FREESWITCH_PREFIX;
    if (!prefix) throw new Error('FREESWITCH_PREFIX is not set');
    const fs = RealFreeswitch.prepare({ prefix, dir: join(o.dir, 'fs'), ports: o.ports, eslPassword: o.secrets.eslPassword, provisioned: o.provisioned });
    return new RealSwitch(fs, o.secrets);
  }

  get eslPort(): number {
    return this.fs.ports.esl;
  }

  get eslPassword(): string {
    return this.secrets.eslPassword;
  }

  api(command: string): Promise<string> {
    return this.fs.api(command);
  }

  events(): Promise<RawClient> {
    return this.fs.events();
  }

  crash(): Promise<void> {
    return this.fs.kill();
  }

  start(): Promise<void> {
    return this.fs.start();
  }

  freeze(): void {
    this.fs.freeze();
  }

  thaw(): void {
    this.fs.thaw();
  }

  /** mod_json_cdr's files, one per leg. */
  async cdrs(): Promise<Cdr[]> {
    return (this.fs.jsonCdrs() as JsonCdr[]).map((j) => {
      const v = j.variables ?? {};
      const p = j.callflow?.[j.callflow.length - 1]?.caller_profile ?? {};
      return {
        uuid: v.uuid ?? '',
        direction: v.direction ?? '',
        // The number the leg was created with: the ANI (caller_id_number flips to the callee on answer).
        callerNumber: v.origination_caller_id_number ?? p.ani ?? p.caller_id_number ?? '',
        destination: p.destination_number ?? '',
        hangupCause: v.hangup_cause ?? '',
        startUs: num(v.start_uepoch),
        answerUs: num(v.answer_uepoch),
        endUs: num(v.end_uepoch),
        durationS: num(v.duration),
        billsecS: num(v.billsec),
        alarmId: v.callpoint_alarm_id ?? null,
      };
    });
  }

  async phone(number: string): Promise<WorldPhone> {
    let p = this.phones.get(number);
    if (!p) {
      const password = this.secrets.phoneSecrets[number];
      if (!password) throw new Error(`extension ${number} has no provisioned password`);
      p = await SippPhone.create(number, password, this.fs.ports.sip);
      this.phones.set(number, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await Promise.all([...this.phones.values()].map((p) => p.close()));
    await this.fs.stop();
  }
}
