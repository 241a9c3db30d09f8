// The values FreeSWITCH configuration is built from, derived from our
// configuration and the device secrets, checked once here so that every
// generator and the xml_curl endpoints agree.
import type { Config } from '../../daemon/src/config/schema.js';
import type { DeviceSecrets } from './device-secrets.js';
import { unsafeSecretReason } from './xml.js';

/** The dialplan context our phones and call points live in (user_context of every phone). */
export const CONTEXT = 'callpoint';
/** The context of calls from trunks (the `context` of every gateway provisioning writes). */
export const INBOUND_CONTEXT = 'callpoint-inbound';
/** The basic-auth user mod_xml_curl presents; its password is DeviceSecrets.xmlCurlSecret. */
export const XML_CURL_USER = 'freeswitch';

/** A configuration that cannot be provisioned safely; the message says what to change. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

type Phone = Config['phones'][number];

/** Extensions whose SIP password is generated (no `secret` in the configuration). */
export function phonesNeedingSecrets(config: Pick<Config, 'phones'>): string[] {
  return config.phones.filter((p) => !p.secret).map((p) => p.number);
}

// Placeholders shipped in examples and the FreeSWITCH default: never accept them as a password.
const PLACEHOLDER = /cluecon|change-?me/i;

/**
 * The event-socket password: `freeswitch.password` from the configuration when
 * set (an operator who manages FreeSWITCH by hand keeps control), else the
 * generated per-device one. The daemon's ESL client must use this same function.
 */
export function eslPasswordOf(config: Pick<Config, 'freeswitch'>, secrets: DeviceSecrets): string {
  const configured = config.freeswitch.password;
  if (configured === undefined) return secrets.eslPassword;
  if (PLACEHOLDER.test(configured))
    throw new ProvisionError('freeswitch.password is a placeholder or the FreeSWITCH default ("ClueCon"/"CHANGE-ME"); remove it to use the generated per-device password');
  const why = unsafeSecretReason(configured);
  if (why) throw new ProvisionError(`freeswitch.password ${why}; choose another or remove it to use the generated one`);
  return configured;
}

/** The SIP password of a phone: its configured `secret`, else the generated one. */
export function phoneSecretOf(phone: Phone, secrets: DeviceSecrets): string {
  const secret = phone.secret ?? secrets.phoneSecrets[phone.number];
  if (!secret) throw new ProvisionError(`extension ${phone.number} has no SIP password yet; load the device secrets with this extension (phonesNeedingSecrets)`);
  if (phone.secret && PLACEHOLDER.test(phone.secret)) throw new ProvisionError(`the secret of extension ${phone.number} is a placeholder; set a real one or remove it to generate one`);
  const why = unsafeSecretReason(secret);
  if (why) throw new ProvisionError(`the secret of extension ${phone.number} ${why}; choose another or remove it to generate one`);
  return secret;
}

/**
 * Where FreeSWITCH (on this board) reaches our xml_curl endpoints: always a
 * loopback address, since the endpoints refuse everything else. An admin
 * server bound to one specific LAN address cannot be reached on loopback.
 */
export function xmlCurlBaseUrl(config: Pick<Config, 'http'>): string {
  const { host, port, tls } = config.http;
  const scheme = tls ? 'https' : 'http';
  if (host === '0.0.0.0' || host === '127.0.0.1' || host === 'localhost') return `${scheme}://127.0.0.1:${port}`;
  if (host === '::' || host === '::1') return `${scheme}://[::1]:${port}`;
  throw new ProvisionError(
    `http.host is ${host}: FreeSWITCH fetches its directory and dialplan from the daemon over loopback, which a server bound only to ${host} does not answer; set http.host to 0.0.0.0, :: or 127.0.0.1`,
  );
}

/** Only digits: what the schema allows, checked again because it ends up inside a regex and a dial string. */
export function checkedNumber(phone: Phone): string {
  if (!/^[0-9]{2,8}$/.test(phone.number)) throw new ProvisionError(`extension "${phone.number}" is not 2–8 digits`);
  return phone.number;
}
