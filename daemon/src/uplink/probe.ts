// "Test connection" for the uplink settings a person is editing: one MQTT
// connection to each broker with those settings (not the running uplink's),
// its outcome in words a technician can act on — the name does not resolve,
// nothing listens, the certificate is not signed by the CA given, the
// password is refused — then disconnect. Nothing is published.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mqtt, { type IClientOptions } from 'mqtt';
import type { Config } from '../config/schema.js';
import { SECRET_MASK } from '../contracts/values.js';

export interface ProbeResult {
  url: string;
  ok: boolean;
  /** What happened, in words. */
  detail: string;
}

type UplinkSettings = Pick<Config['uplink'], 'brokers' | 'username' | 'password' | 'ca' | 'cert' | 'key' | 'keepaliveS'>;

/** The draft's settings, a masked secret standing for the stored one. */
export function draftSettings(draft: Partial<UplinkSettings>, stored: Config['uplink']): UplinkSettings {
  const keep = <K extends 'password' | 'key'>(k: K) => (draft[k] === SECRET_MASK ? stored[k] : draft[k]);
  return { brokers: draft.brokers ?? stored.brokers, username: draft.username, password: keep('password'), ca: draft.ca, cert: draft.cert, key: keep('key'), keepaliveS: draft.keepaliveS ?? stored.keepaliveS };
}

const TLS_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker’s certificate is self-signed and not trusted: give its CA certificate in uplink.ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker’s certificate chain ends in a CA that is not trusted: give that CA in uplink.ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker’s certificate is not signed by a trusted CA: give its CA in uplink.ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the broker’s certificate is not signed by the CA in uplink.ca (or no CA is given)',
  CERT_HAS_EXPIRED: 'the broker’s certificate has expired',
  CERT_NOT_YET_VALID: 'the broker’s certificate is not valid yet (is this board’s clock right?)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the broker’s certificate is for another name than the one in the broker URL',
};

/** An error of a connection attempt, in words. */
export function describeProbeError(err: Error & { code?: string | number; reason?: string }, url: URL): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'mqtts:' ? 8883 : 1883)}`;
  const code = err.code;
  if (typeof code === 'number') {
    // CONNACK return codes (MQTT 3.1.1 §3.2.2.3).
    if (code === 4) return 'the broker refused the username or password';
    // Mosquitto answers a wrong password with 5, not 4.
    if (code === 5) return 'the broker refused the login: wrong username or password, or this client is not authorised';
    if (code === 2) return 'the broker refused the client id';
    if (code === 3) return 'the broker is unavailable (it said so)';
    return `the broker refused the connection (code ${code})`;
  }
  if (code && TLS_WORDS[code]) return `TLS: ${TLS_WORDS[code]}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${where} (connection refused): wrong port, or the broker is down`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name ${url.hostname} cannot be resolved (DNS)`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from this board (network or firewall)`;
    case 'ECONNRESET':
      return `${where} closed the connection: ${url.protocol === 'mqtt:' ? 'it may expect TLS (mqtts://)' : 'it may not speak TLS, or refused the client certificate'}`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS failed with ${where}: it does not seem to speak TLS on this port (mqtt:// instead of mqtts://?)`;
    default:
      break;
  }
  if (/certificate|ssl|tls/i.test(err.message)) return `TLS: ${err.message}`;
  return err.message;
}

/** Connect once to `url` with `settings`; resolves with what happened (never rejects). */
export async function probeBroker(url: string, settings: UplinkSettings, timeoutMs = 8000): Promise<ProbeResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, ok: false, detail: 'not a broker URL (mqtt://host:port or mqtts://host:port)' };
  }
  const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    const file = settings[k];
    if (!file) continue;
    try {
      tls[k] = await readFile(file);
    } catch (e) {
      return { url, ok: false, detail: `cannot read uplink.${k} (${file}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
  const opts: IClientOptions = {
    clientId: `callpoint-probe-${randomBytes(4).toString('hex')}`,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    keepalive: settings.keepaliveS,
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...tls,
  };
  const t0 = Date.now();
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const client = mqtt.connect(url, opts);
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      resolve(r);
    };
    const timer = setTimeout(() => done({ url, ok: false, detail: `no answer from ${parsed.host} within ${Math.round(timeoutMs / 1000)} s${parsed.protocol === 'mqtt:' ? ' (if the port expects TLS, use mqtts://)' : ''}` }), timeoutMs + 500);
    client.on('connect', () => done({ url, ok: true, detail: `connected${parsed.protocol === 'mqtts:' ? ' over TLS' : ''} in ${Date.now() - t0} ms; the broker accepted ${settings.username ? `user ${settings.username}` : 'the connection'}` }));
    client.on('error', (err) => done({ url, ok: false, detail: describeProbeError(err as Error & { code?: string | number }, parsed) }));
    client.on('close', () => done({ url, ok: false, detail: `${parsed.host} closed the connection before accepting it${parsed.protocol === 'mqtt:' ? ' (if it expects TLS, use mqtts://)' : ''}` }));
  });
}

/** Every broker of the draft, one after the other. */
export async function probeUplink(settings: UplinkSettings, timeoutMs?: number): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const url of settings.brokers) out.push(await probeBroker(url, settings, timeoutMs));
  return out;
}
