// The SIP registrations FreeSWITCH holds, from `show registrations as json`
// (mod_commands reads the core `registrations` table, which mod_sofia fills
// on every REGISTER: reg_user, realm, token = the Call-ID, url =
// sofia/<profile>/sip:<contact>, expires = the absolute time in epoch
// seconds, network_ip, network_port, network_proto, hostname, metadata —
// every value a string; no rows is `{"row_count": 0}`). FreeSWITCH keeps no
// time a registration began, so the first time Callpoint sees one is kept
// here: "registered since at least".
import type { SipRegistration } from '../contracts/registrations.js';

interface Row {
  reg_user?: string;
  realm?: string;
  token?: string;
  url?: string;
  expires?: string;
  network_ip?: string;
  network_port?: string;
  network_proto?: string;
}

export class RegistrationBook {
  /** user + Call-ID → when first seen (ms). A refresh keeps its Call-ID; a phone that registers anew gets a new one. */
  private readonly seen = new Map<string, number>();

  /** The registrations in a reply, oldest-seen first; undefined when the reply is not that JSON. */
  read(body: string, now = Date.now()): SipRegistration[] | undefined {
    let parsed: { row_count?: number; rows?: Row[] };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.row_count !== 'number') return undefined;
    const rows = Array.isArray(parsed.rows) ? parsed.rows : [];
    const keys = new Set<string>();
    const out = rows.map((r): SipRegistration => {
      const key = `${r.reg_user ?? ''}\u0000${r.token ?? ''}`;
      keys.add(key);
      if (!this.seen.has(key)) this.seen.set(key, now);
      const url = /^sofia\/([^/]+)\/(.*)$/.exec(r.url ?? '');
      const expires = Number(r.expires);
      const port = Number(r.network_port);
      return {
        user: r.reg_user ?? '',
        realm: r.realm ?? '',
        contact: url ? url[2]! : (r.url ?? ''),
        profile: url ? url[1]! : null,
        ip: r.network_ip ?? '',
        port: r.network_port && Number.isInteger(port) ? port : null,
        transport: r.network_proto ?? '',
        expiresAt: Number.isFinite(expires) && expires > 0 ? new Date(expires * 1000).toISOString() : null,
        seenSince: new Date(this.seen.get(key)!).toISOString(),
      };
    });
    // Registrations that are gone are forgotten: if the phone comes back, it is seen anew.
    for (const k of this.seen.keys()) if (!keys.has(k)) this.seen.delete(k);
    return out.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  }
}
