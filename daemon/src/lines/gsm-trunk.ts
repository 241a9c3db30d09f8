// GSM as the failover trunk: FreeSWITCH carries the voice (the `gsm`
// gateway), but only the daemon knows whether the modem behind it is
// registered, has signal and is free. Routing asks here first: a GSM target
// of an escalation plan is skipped at once, with the reason, when no modem
// can take the call — instead of ringing a dead gateway for its whole ring
// time while someone waits in a tunnel.
import type { AlarmPbx } from '../alarms/ports.js';

export function withGsmTrunk(pbx: AlarmPbx, trunk: () => { available: boolean; reason: string }): AlarmPbx {
  return new Proxy(pbx, {
    get(target, prop) {
      if (prop === 'originate') {
        return (async (o: Parameters<AlarmPbx['originate']>[0]) => {
          if (o.target.kind === 'gsm') {
            const t = trunk();
            if (!t.available) return { ok: false, reason: 'rejected', message: `GSM trunk unavailable: ${t.reason}` } as const;
          }
          return target.originate(o);
        }) satisfies AlarmPbx['originate'];
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
