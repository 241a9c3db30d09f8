// `callpoint provision freeswitch`, through its command function.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { provisionCommand } from '../../daemon/src/cli/provision-cmd.js';
import { DEVICE_SECRETS_FILE, type DeviceSecrets } from '../src/device-secrets.js';
import { findOne, parseXml } from './helpers/xml-parse.js';

const FILES = ['autoload_configs/event_socket.conf.xml', 'autoload_configs/xml_curl.conf.xml', 'callpoint-vars.xml', 'directory/default.xml', 'dialplan/callpoint.xml'];

async function setup(dir: string, extra = ''): Promise<{ configFile: string; dataDir: string; out: string }> {
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'config.yaml');
  await writeFile(
    configFile,
    `version: 2
site: sim
node: dev
dataDir: ${JSON.stringify(dataDir)}
http: { host: 127.0.0.1, port: 8080 }
points:
  - { id: sos-km1-2, input: in1, label: "SOS km 1.2 east", zone: tunnel-a, escalation: { targets: [ { extension: "8000" } ] } }
phones:
  - { number: "8000", name: Dispatch desk, zone: control }
  - { number: "1001", name: "Tunnel <A> & km 1.2", zone: tunnel-a }
${extra}`,
  );
  return { configFile, dataDir, out: join(dir, 'fs') };
}

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await provisionCommand(args, {}, (s) => lines.push(s));
  return { code, lines };
}

t.test('writes the files with mode 0640, prints them and the next steps', async (t) => {
  const { configFile, dataDir, out } = await setup(t.testdir());
  const r = await run(['freeswitch', '--out', out, '--config', configFile]);
  t.equal(r.code, 0);
  const text = r.lines.join('\n');
  for (const f of FILES) {
    const content = await readFile(join(out, f), 'utf8');
    t.doesNotThrow(() => parseXml(content), `${f} is well-formed`);
    t.equal((await stat(join(out, f))).mode & 0o777, 0o640, `${f} is 0640`);
    t.match(text, f, `${f} is listed`);
  }
  t.match(text, /Next steps/);
  t.match(text, 'callpoint-vars.xml');
  t.match(text, 'systemctl restart freeswitch');

  const secrets = JSON.parse(await readFile(join(dataDir, DEVICE_SECRETS_FILE), 'utf8')) as DeviceSecrets;
  t.equal((await stat(join(dataDir, DEVICE_SECRETS_FILE))).mode & 0o777, 0o600);
  const esl = parseXml(await readFile(join(out, FILES[0]!), 'utf8'));
  t.equal(findOne(esl, 'param', { name: 'password' }).attrs.value, secrets.eslPassword, 'the generated ESL password');
  t.equal(findOne(esl, 'param', { name: 'listen-ip' }).attrs.value, '127.0.0.1');
  const dir = parseXml(await readFile(join(out, 'directory/default.xml'), 'utf8'));
  t.equal(findOne(findOne(dir, 'user', { id: '1001' }), 'param', { name: 'password' }).attrs.value, secrets.phoneSecrets['1001']);
  t.notMatch(text, secrets.eslPassword, 'secrets are not printed');

  const again = await run(['freeswitch', '--out', out, '--config', configFile]);
  t.equal(again.code, 0);
  t.equal((JSON.parse(await readFile(join(dataDir, DEVICE_SECRETS_FILE), 'utf8')) as DeviceSecrets).eslPassword, secrets.eslPassword, 'a second run keeps the secrets');
  t.same((await readdir(join(out, 'autoload_configs'))).sort(), ['event_socket.conf.xml', 'xml_curl.conf.xml'], 'no temporary files left');
});

t.test('a placeholder ESL password is refused and nothing is written', async (t) => {
  const { configFile, out } = await setup(t.testdir(), 'freeswitch: { password: "CHANGE-ME-provisioned-per-device" }\n');
  await t.rejects(run(['freeswitch', '--out', out, '--config', configFile]), { name: 'Error', message: /placeholder.*nothing was written/ });
  await t.rejects(stat(out), { code: 'ENOENT' });
});

t.test('an admin server on one LAN address is refused with the reason', async (t) => {
  const dir = t.testdir();
  const { configFile, out } = await setup(dir);
  await writeFile(configFile, (await readFile(configFile, 'utf8')).replace('host: 127.0.0.1', 'host: 192.168.1.10'));
  await t.rejects(run(['freeswitch', '--out', out, '--config', configFile]), { message: /http\.host is 192\.168\.1\.10/ });
});

t.test('usage mistakes', async (t) => {
  const { configFile, out } = await setup(t.testdir());
  await t.rejects(run(['--out', out, '--config', configFile]), { message: /needs a target/ });
  await t.rejects(run(['asterisk', '--out', out]), { message: /cannot provision "asterisk"/ });
  await t.rejects(run(['freeswitch', '--config', configFile]), { message: /--out DIR/ });
  await t.rejects(run(['freeswitch', 'extra', '--out', out]), { message: /unexpected argument/ });
  await t.rejects(run(['freeswitch', '--bogus']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
});
