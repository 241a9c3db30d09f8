// A private CA with a server certificate (for 127.0.0.1) and a client
// certificate, made with openssl for a test, and a mosquitto password file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  file: (name: 'ca.pem' | 'server.pem' | 'server.key' | 'client.pem' | 'client.key' | 'passwd') => string;
}

export function makePki(dir: string, user: { name: string; password: string }): TestPki {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-ca', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`));
    writeFileSync(f(`${who}.ext`), who === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${who}.ext`), '-out', f(`${who}.pem`));
  }
  execFileSync('mosquitto_passwd', ['-b', '-c', f('passwd'), user.name, user.password], { stdio: 'pipe' });
  return { file: f };
}
