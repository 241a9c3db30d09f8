// Per-device secrets for FreeSWITCH: the event-socket password, the shared
// secret mod_xml_curl sends to our endpoints, and SIP passwords for phones
// that have none in the configuration. Generated once per device, kept in
// <dataDir>/device-secrets.json (mode 0600), stable across runs.
//
// Never a fixed default: FreeSWITCH ships with the event-socket password
// "ClueCon", and anyone who reaches that socket controls every call.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEVICE_SECRETS_FILE = 'device-secrets.json';
const FORMAT = 1;
/** 32 random bytes, 43 characters of base64url, for machine-to-machine secrets. */
const MACHINE_SECRET_BYTES = 32;
/** 24 random bytes, 32 characters of base64url: typed into a phone's web page, so a little shorter. */
const PHONE_SECRET_BYTES = 24;

export interface DeviceSecrets {
  /** Generated event-socket password. `freeswitch.password` in the configuration, when set, wins: see eslPasswordOf(). */
  eslPassword: string;
  /** Password of the user `freeswitch` that mod_xml_curl presents to /freeswitch/*. */
  xmlCurlSecret: string;
  /** Generated SIP passwords by extension number, for phones without `secret` in the configuration. */
  phoneSecrets: Record<string, string>;
}

export function newSecret(bytes = MACHINE_SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

function isRecordOfStrings(v: unknown): v is Record<string, string> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' && x.length >= 12);
}

function parse(text: string, file: string): DeviceSecrets {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; move it away to generate new secrets (phones and FreeSWITCH must then be provisioned again)`);
  }
  const o = raw as Partial<DeviceSecrets> & { format?: unknown };
  if (typeof o.eslPassword !== 'string' || o.eslPassword.length < 16 || typeof o.xmlCurlSecret !== 'string' || o.xmlCurlSecret.length < 16 || !isRecordOfStrings(o.phoneSecrets ?? {}))
    throw new Error(`${file} does not hold valid device secrets; move it away to generate new ones (phones and FreeSWITCH must then be provisioned again)`);
  return { eslPassword: o.eslPassword, xmlCurlSecret: o.xmlCurlSecret, phoneSecrets: { ...(o.phoneSecrets ?? {}) } };
}

async function writeTemp(dir: string, s: DeviceSecrets): Promise<string> {
  const tmp = join(dir, `.${DEVICE_SECRETS_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // mode applies at creation; chmod again in case the umask widened nothing but an existing file did.
  await writeFile(tmp, `${JSON.stringify({ format: FORMAT, ...s }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  return tmp;
}

// Calls for the same file run one after another, so two requests at first
// start cannot each generate a different secret for the same phone.
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/**
 * The device secrets, created on first use. `phoneNumbers` are the extensions
 * that need a generated SIP password (those without `secret` in the
 * configuration); a missing one is generated and stored, an existing one is
 * never changed. Secrets of extensions no longer configured are kept, so a
 * phone taken out and put back keeps its password.
 *
 * Creation is atomic: the file is written under a temporary name and linked
 * into place only if no other process created it meanwhile (then theirs is
 * used); later additions replace it by rename, never by rewriting in place.
 */
export function loadOrCreateDeviceSecrets(dataDir: string, phoneNumbers: readonly string[] = []): Promise<DeviceSecrets> {
  const file = join(dataDir, DEVICE_SECRETS_FILE);
  return serialised(file, async () => {
    let current: DeviceSecrets | undefined;
    try {
      current = parse(await readFile(file, 'utf8'), file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!current) {
      await mkdir(dataDir, { recursive: true, mode: 0o750 });
      const fresh: DeviceSecrets = { eslPassword: newSecret(), xmlCurlSecret: newSecret(), phoneSecrets: {} };
      for (const n of phoneNumbers) fresh.phoneSecrets[n] = newSecret(PHONE_SECRET_BYTES);
      const tmp = await writeTemp(dataDir, fresh);
      try {
        await link(tmp, file); // fails with EEXIST if another process won the race
        return fresh;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        current = parse(await readFile(file, 'utf8'), file);
      } finally {
        await rm(tmp, { force: true });
      }
    }
    const missing = phoneNumbers.filter((n) => !(n in current.phoneSecrets));
    if (missing.length === 0) return current;
    const next: DeviceSecrets = { ...current, phoneSecrets: { ...current.phoneSecrets } };
    for (const n of missing) next.phoneSecrets[n] = newSecret(PHONE_SECRET_BYTES);
    const tmp = await writeTemp(dataDir, next);
    try {
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return next;
  });
}
