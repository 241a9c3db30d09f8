// `show registrations [as json]` as FreeSWITCH 1.10 answers it: mod_commands
// selects every column of the core `registrations` table (switch_core_sqldb.c:
// reg_user, realm, token, url, expires, network_ip, network_port,
// network_proto, hostname, metadata), which mod_sofia fills on each REGISTER
// (sofia_reg.c: token = the Call-ID, url = sofia/<profile>/sip:<contact>,
// expires = the registration time + its expiry + sip-expires-late-margin, in
// epoch seconds). In JSON every value is a string (show_as_json_callback:
// cJSON_CreateString of switch_str_nil, so NULL metadata is ""), the object is
// printed unformatted as {"row_count":N,"rows":[…]}, and no rows at all is
// `{"row_count": 0}` — with the space, as `show channels` (api-replies.raw).
import type { Phone } from './phone.js';

/** What a simulated phone registers with: the same contact sofia_contact names. */
const CONTACT_PORT = 5072;
/** mod_sofia's default registration expiry the phones ask for, and its late margin (sip-expires-late-margin). */
const EXPIRES_S = 3600;
const LATE_MARGIN_S = 60;

export const REGISTRATION_KEYS = ['reg_user', 'realm', 'token', 'url', 'expires', 'network_ip', 'network_port', 'network_proto', 'hostname', 'metadata'] as const;

export function showRegistrations(phones: Iterable<Phone>, o: { domain: string; hostname: string; json: boolean }): string {
  const rows = [...phones]
    .filter((p) => p.isRegistered)
    .map((p): Record<(typeof REGISTRATION_KEYS)[number], string> => ({
      reg_user: p.number,
      realm: o.domain,
      token: p.registration.callId,
      url: `sofia/internal/sip:${p.number}@127.0.0.1:${CONTACT_PORT}`,
      expires: String(p.registration.at + EXPIRES_S + LATE_MARGIN_S),
      network_ip: '127.0.0.1',
      network_port: String(CONTACT_PORT),
      network_proto: 'udp',
      hostname: o.hostname,
      metadata: '',
    }));
  if (o.json) return rows.length ? `${JSON.stringify({ row_count: rows.length, rows })}\n` : '{"row_count": 0}\n';
  // Plain `show` is CSV with a count line (not in the captures).
  return [REGISTRATION_KEYS.join(','), ...rows.map((r) => REGISTRATION_KEYS.map((k) => r[k]).join(',')), '', `${rows.length} total.`, ''].join('\n');
}
