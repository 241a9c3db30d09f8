// `make bench` (routing part): how long a call waits for its route, on a site
// with 500 route rules and 10,000 list entries while 200 calls stream.
//
//   router decision: RoutingService.decide() for one call — the trunks'
//     state and the calls on them read from the live channel table, the
//     rules passed over, the lists looked up, the log line.
//   xml_curl answer: FreeSWITCH's dialplan lookup as mod_xml_curl posts it
//     (form fields of xml_curl.conf.xml, basic auth, loopback) to
//     freeswitchRouter, answered with the routed extension's XML.
//
// Not the whole daemon: this process holds the real RoutingService, the real
// FreeswitchGateway (its live channel table fed over the event socket) and
// the express router with the real endpoint; the FreeSWITCH emulator runs in
// its own process (emulator-process.ts) with 200 calls up, about 60 ending
// and starting a second. The figures' names say so.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { freeswitchRouter } from '../../daemon/src/api/freeswitch-routes.js';
import { fixedConfig } from '../../daemon/src/config/holder.js';
import { configFrom } from '../../daemon/src/config/load.js';
import type { Config } from '../../daemon/src/config/schema.js';
import { EventBus } from '../../daemon/src/events/bus.js';
import { HealthRegistry } from '../../daemon/src/health/health.js';
import { FreeswitchGateway } from '../../daemon/src/pbx/gateway.js';
import type { CallRequest } from '../../daemon/src/routing/router.js';
import { RoutingService } from '../../daemon/src/routing/routing-service.js';
import { Store } from '../../daemon/src/store/store.js';
import { DAY, ROUTING_SITE } from '../../daemon/test/helpers/routing-site.js';
import { prng } from '../../daemon/test/helpers/prng.js';
import { CONTEXT, XML_CURL_USER } from '../../provisioning/src/values.js';
import { DIALPLAN_PATH } from '../../provisioning/src/xml-curl-conf.js';
import type { FromEmulator, ToEmulator } from './emulator-process.js';
import type { Figure } from './gateway.js';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const RULES = 500;
const LIST_ENTRIES = 10_000;
const CALLS_UP = 200;
const DECISIONS = 20_000;
const LOOKUPS = 3_000;
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** The routing site with 500 rules (the site's own last, so most calls pass over the others) and 10,000 list entries. */
function bigSite(rnd: () => number): Config {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const extra = Array.from({ length: RULES - ROUTING_SITE.routes.length }, (_, i) => {
    const id = `r${pad(i, 3)}`;
    switch (i % 4) {
      case 0: return { id, match: { prefix: `0${pad(300 + i, 4)}`, minLength: 11 }, to: { trunks: ['telecom', 'fxo'] } };
      case 1: return { id, match: { number: `5${pad(i, 6)}` }, to: { extension: '8000' } };
      case 2: return { id, match: { prefix: `9${pad(i, 3)}`, length: 8 }, to: { trunks: ['fxo'] }, record: true };
      default: return { id, match: { class: 'mobile', prefix: `1${pad(i, 4)}` }, from: { extensions: ['4001'] }, to: { trunks: ['gsm'] } };
    }
  });
  const numbers = (n: number, make: () => string) => Array.from({ length: n }, () => ({ number: make(), reason: 'bench' }));
  const prefixes = (n: number) => Array.from({ length: n }, (_, i) => ({ prefix: `0${pad(2000 + i, 5)}`, reason: 'bench' }));
  const lists = [
    // Outbound: 6,000 numbers and 1,000 prefixes; inbound: the rest of the 10,000 (the site's own few included).
    { ...ROUTING_SITE.lists[2]!, entries: [...ROUTING_SITE.lists[2]!.entries, ...numbers(6_000, () => `013${digits(9)}`), ...prefixes(1_000)] },
    { ...ROUTING_SITE.lists[0]!, entries: [...ROUTING_SITE.lists[0]!.entries, ...numbers(LIST_ENTRIES - 7_000 - ROUTING_SITE.lists.reduce((n, l) => n + l.entries.length, 0), () => `+86139${digits(8)}`)] },
    ROUTING_SITE.lists[1]!,
  ];
  return configFrom({ site: 'bench', node: 'n1', ...ROUTING_SITE, routes: [...extra, ...ROUTING_SITE.routes], lists });
}

/** A call as the site's phones and trunks make them: mostly outside numbers, some extensions, emergency and listed numbers. */
function callMix(rnd: () => number, config: Config): () => CallRequest {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const phones = config.phones.map((p) => p.number);
  const listed = config.lists[0]!.entries.flatMap((e) => (e.number ? [e.number] : []));
  const blockedCallers = config.lists[1]!.entries.flatMap((e) => (e.number ? [e.number] : []));
  return () => {
    const at = new Date(DAY.getTime() + rnd() * 14 * 86_400_000);
    if (rnd() < 0.15) return { direction: 'inbound', trunk: pick(['telecom', 'fxo', 'gsm']), from: rnd() < 0.3 ? pick(blockedCallers) : `+86138${digits(8)}`, to: pick(['88880001', '88880002']), at };
    const to = pick([() => `13${digits(9)}`, () => `0138${digits(8)}`, () => `6${digits(7)}`, () => `0755${digits(8)}`, () => `0044${digits(10)}`, () => pick(phones), () => pick(config.numbering.emergency), () => '100', () => pick(listed), () => `7${digits(3)}`])();
    return { direction: 'outbound', from: pick(phones), to, at };
  };
}

export async function routingFigures(): Promise<Figure[]> {
  const rnd = prng(Number(process.env.BENCH_SEED ?? 1));
  const config = bigSite(rnd);
  const dir = mkdtempSync(join(tmpdir(), 'cp-routebench-'));
  const log = pino({ level: 'silent' });
  const eslPassword = randomUUID();
  const emuProc = fork(join(HERE, 'emulator-process.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_ESL_PASSWORD: eslPassword, BENCH_DESK: '8000', BENCH_CALLS: String(CALLS_UP) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(emuProc, 'exit');
  const fromEmu = (type: FromEmulator['type']) =>
    Promise.race([
      new Promise<FromEmulator>((resolve) => {
        const on = (m: unknown) => {
          if ((m as FromEmulator).type !== type) return;
          emuProc.off('message', on);
          resolve(m as FromEmulator);
        };
        emuProc.on('message', on);
      }),
      exited.then(([code]) => Promise.reject(new Error(`the emulator exited (${String(code)})`))),
    ]);
  const toEmu = (m: ToEmulator) => emuProc.send(m);
  let store: Store | undefined;
  let gateway: FreeswitchGateway | undefined;
  let routing: RoutingService | undefined;
  let server: Server | undefined;
  try {
    const ready = await fromEmu('ready');
    const port = ready.type === 'ready' ? ready.port : 0;
    store = await Store.open(join(dir, 'data'), { site: 'bench', node: 'n1' });
    const bus = new EventBus(log);
    gateway = new FreeswitchGateway({ host: '127.0.0.1', port, password: eslPassword, recordingsDir: join(dir, 'rec') }, { store, health: new HealthRegistry({ version: 'b', site: 'bench', node: 'n1' }, () => undefined), bus, log });
    await gateway.start();
    routing = new RoutingService({ config, store, bus, log, pbx: gateway, lines: () => undefined, notify: () => undefined });
    await routing.start();
    const secrets = { eslPassword, xmlCurlSecret: randomBytes(24).toString('hex'), phoneSecrets: {} };
    const app = express();
    app.use(freeswitchRouter({ config: fixedConfig(config), secrets: async () => secrets, log, routing }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${DIALPLAN_PATH}`;
    const auth = `Basic ${Buffer.from(`${XML_CURL_USER}:${secrets.xmlCurlSecret}`).toString('base64')}`;

    // Let the emulator's 200 calls come up and the gateway's channel table fill.
    while (gateway.channels.list().length < CALLS_UP) await new Promise((r) => setTimeout(r, 100));

    const next = callMix(rnd, config);
    const load0 = loadavg()[0]!;
    const decisions: number[] = [];
    for (let i = 0; i < DECISIONS + 2_000; i++) {
      const req = next();
      const t0 = performance.now();
      await routing.decide(req, { uuid: randomUUID() });
      if (i >= 2_000) decisions.push(performance.now() - t0); // after the warm-up
      if (i % 200 === 0) await new Promise((r) => setImmediate(r)); // the event socket gets its turn, as between calls
    }

    const lookups: number[] = [];
    for (let i = 0; i < LOOKUPS + 300; i++) {
      const req = next();
      // As mod_xml_curl posts it: the basic fields and DIALPLAN_POST_VARS.
      const form: Record<string, string> = { hostname: 'board', section: 'dialplan', tag_name: '', key_name: '', key_value: '', 'Hunt-Context': req.direction === 'outbound' ? CONTEXT : 'public', 'Caller-Context': req.direction === 'outbound' ? CONTEXT : 'public', 'Caller-Destination-Number': req.to, 'Hunt-Destination-Number': req.to, 'Unique-ID': randomUUID(), 'Hunt-Caller-ID-Number': req.from, 'Hunt-Network-Addr': '127.0.0.1' };
      if (req.direction === 'outbound') Object.assign(form, { variable_user_name: req.from, variable_callpoint_zone: config.phones.find((p) => p.number === req.from)?.zone ?? '' });
      else form.variable_sip_gateway = req.trunk;
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      const xml = await res.text();
      if (i >= 300) lookups.push(performance.now() - t0);
      if (res.status !== 200 || !xml.includes('<extension name="callpoint-')) throw new Error(`dialplan lookup ${JSON.stringify(form)}: ${res.status} ${xml.slice(0, 200)}`);
    }
    toEmu({ type: 'stats' });
    const stats = await fromEmu('stats');
    decisions.sort((a, b) => a - b);
    lookups.sort((a, b) => a - b);
    const line = (xs: number[]) => `p50 ${q(xs, 0.5).toFixed(3)} ms, p99 ${q(xs, 0.99).toFixed(3)} ms, max ${xs[xs.length - 1]!.toFixed(1)} ms`;
    console.log(`      routing: ${config.routes.length} rules, ${config.lists.reduce((n, l) => n + l.entries.length, 0)} list entries; emulator: ${stats.type === 'stats' ? `${stats.channels} channels up, ${stats.callsEnded} calls ended in ${stats.seconds.toFixed(0)} s` : '?'}`);
    // The machine is shared: its load says how much of a tail is waiting for a core.
    console.log(`      load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
    console.log(`      ${decisions.length} decisions: ${line(decisions)}; ${lookups.length} xml_curl lookups: ${line(lookups)}`);
    return [
      { name: `router decision p99 (RoutingService.decide in-process; ${RULES} rules, ${LIST_ENTRIES} list entries, ${CALLS_UP} calls streaming)`, value: q(decisions, 0.99), unit: 'ms', target: 1, better: 'lower' },
      { name: `xml_curl dialplan answer p99 (POST to freeswitchRouter + real RoutingService, not the full daemon; ${RULES} rules, ${LIST_ENTRIES} entries, ${CALLS_UP} calls streaming)`, value: q(lookups, 0.99), unit: 'ms', target: 5, better: 'lower' },
    ];
  } finally {
    server?.close();
    await routing?.stop();
    await gateway?.stop();
    await store?.close();
    if (emuProc.exitCode === null) {
      toEmu({ type: 'stop' });
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
