// The events FreeSWITCH 1.10 fires when a phone registers, is refused,
// unregisters or lets its registration run out: header names, their order and
// where FreeSWITCH says it fired them are those of registration-plain.raw
// (daemon/test/fixtures/freeswitch, taken from the real switch with the
// directory Callpoint provisions); the values are this phone's.
import type { EventFactory, EmittedEvent } from './events.js';
import type { Phone, RegistrationEvent } from './phone.js';

export interface RegistrationSite {
  factory: EventFactory;
  domain: string;
  /** The phone's SIP port (its Contact), stable for the emulator's life. */
  portOf(phone: Phone): number;
}

const USER_AGENT = 'callpoint-emulated-phone';

export function registrationEvents(site: RegistrationSite, phone: Phone, e: RegistrationEvent): EmittedEvent[] {
  const { factory, domain } = site;
  const port = String(site.portOf(phone));
  const contact = `"" <sip:${phone.number}@${domain}:${port}>`;
  const callId = `${phone.registrations}-${port}@${domain}`;
  const custom = (subclass: string, extra: Record<string, string>) => factory.make('CUSTOM', { subclass, extra });
  const head = (expires: string) => ({
    'profile-name': 'internal', 'from-user': phone.number, 'from-host': domain, contact, 'call-id': callId, rpid: 'unknown',
    status: 'Registered(UDP)', expires, 'to-user': phone.number, 'to-host': domain, 'network-ip': domain, 'network-port': port,
  });
  // The directory variables FreeSWITCH adds from the user's entry (Callpoint's provisioning writes these).
  const directory = {
    sip_number_alias: phone.number, sip_auth_username: phone.number, sip_auth_realm: domain, number_alias: phone.number,
    user_name: phone.number, domain_name: domain, user_context: 'callpoint', effective_caller_id_name: phone.name,
    effective_caller_id_number: phone.number, callpoint_zone: phone.zone ?? '',
  };
  const attempt = (expires: string, result: string) =>
    custom('sofia::register_attempt', { ...head(expires), username: phone.number, realm: domain, 'user-agent': USER_AGENT, 'auth-result': result });
  const pre = (expires: string) => custom('sofia::pre_register', { ...head(expires), 'user-agent': USER_AGENT });
  switch (e.kind) {
    case 'register': {
      const exp = String(e.expiresS);
      const h = head(exp);
      return [
        pre(exp),
        attempt(exp, 'RENEWED'),
        custom('sofia::register', {
          'profile-name': h['profile-name'], 'from-user': h['from-user'], 'from-host': h['from-host'], 'presence-hosts': `${domain},${domain}`,
          contact, 'call-id': callId, rpid: 'unknown', status: h.status, expires: exp, 'to-user': phone.number, 'to-host': domain,
          'network-ip': domain, 'network-port': port, username: phone.number, realm: domain, 'user-agent': USER_AGENT, ...directory,
        }),
      ];
    }
    case 'register-failure': {
      const exp = String(e.expiresS);
      return [
        pre(exp),
        attempt(exp, 'FORBIDDEN'),
        custom('sofia::register_failure', {
          'profile-name': 'internal', 'to-user': phone.number, 'to-host': domain, 'network-ip': domain, 'user-agent': USER_AGENT,
          'network-port': port, 'registration-type': 'REGISTER',
        }),
      ];
    }
    case 'unregister':
      return [
        pre('0'),
        attempt('0', 'RENEWED'),
        factory.make('PRESENCE_IN', {
          layout: 'PRESENCE_IN unregister',
          extra: { proto: 'sip', rpid: 'unknown', login: `sip:mod_sofia@${domain}:5060`, 'user-agent': USER_AGENT, from: `${phone.number}@${domain}`, status: 'Unregistered', 'presence-source': 'register', event_type: 'presence' },
        }),
        custom('sofia::unregister', {
          'profile-name': 'internal', username: phone.number, 'from-user': phone.number, 'from-host': domain, contact, 'call-id': callId, rpid: 'unknown',
          realm: domain, 'network-ip': domain, 'network-port': port, 'user-agent': USER_AGENT, expires: '0', ...directory,
        }),
      ];
    case 'expire':
      return [
        factory.make('CUSTOM', {
          subclass: 'sofia::expire',
          extra: {
            'profile-name': 'internal', 'call-id': callId, user: phone.number, username: phone.number, host: domain, contact, expires: String(e.expiresAtS),
            'user-agent': USER_AGENT, realm: domain, 'network-ip': domain, 'network-port': port,
          },
        }),
        factory.make('PRESENCE_IN', {
          layout: 'PRESENCE_IN expire',
          extra: { proto: 'sip', rpid: 'away', login: `sip:mod_sofia@${domain}:5060`, 'user-agent': 'Registered(UDP)', from: `${phone.number}@${domain}`, status: 'Unregistered', event_type: 'presence' },
        }),
      ];
  }
}
