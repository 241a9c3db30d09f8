// The composition root: builds every component from the configuration and
// starts them in order; stops them in reverse. Nothing else wires services.
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Accounts } from './accounts/accounts.js';
import { Sessions } from './accounts/sessions.js';
import { issueSetupToken } from './accounts/setup-token.js';
import { capturedSecurityHeaders, createApp } from './api/app.js';
import { healthFastPath } from './api/health-fast-path.js';
import { HttpServer } from './api/http-server.js';
import type { CookiePolicy } from './api/route.js';
import type { Config } from './config/schema.js';
import { EventBus } from './events/bus.js';
import { HealthRegistry } from './health/health.js';
import { SystemSampler } from './health/system-sampler.js';
import { Lifecycle, type Component } from './lifecycle/components.js';
import { createNotifier, type Notifier } from './lifecycle/sd-notify.js';
import { Watchdog } from './lifecycle/watchdog.js';
import type { RootLogger } from './log/logger.js';
import { VERSION } from './paths.js';
import { claimDataDir, releaseDataDir } from './store/lock.js';
import { LATEST_SCHEMA } from './store/migrations.js';
import { Store } from './store/store.js';
import { FreeswitchGateway } from './pbx/gateway.js';
import { AlarmService } from './alarms/alarm-service.js';
import { boardOutputs } from './alarms/board-outputs.js';
import { registerAlarmCommands } from './alarms/central-commands.js';
import { SelfTest } from './alarms/self-test.js';
import { FaultBook } from './alarms/faults.js';
import { Supervision } from './alarms/supervision.js';
import { boardSnapshot } from './alarms/board-view.js';
import { LinesService } from './lines/lines-service.js';
import { withGsmTrunk } from './lines/gsm-trunk.js';
import { UplinkClient, uplinkOptionsFrom } from './uplink/index.js';
import { Board, RealDeviceFactory, SimDeviceFactory, type HardwareEvent } from '../../hardware/src/index.js';
import { boardProblems } from './config/board-check.js';
import type { SimInputResult } from './api/route.js';
import type { FreeSwitchEmulator } from './sim/freeswitch/index.js';
import { SIM_TOKEN_FILE } from './sim/control.js';
import { simPartsOf, type SimParts } from './sim/parts.js';
import { loadOrCreateDeviceSecrets } from '../../provisioning/src/device-secrets.js';
import { eslPasswordOf, phonesNeedingSecrets } from '../../provisioning/src/values.js';

export const STOP_BOUND_MS = 10_000;

export interface DaemonOptions {
  config: Config;
  logger: RootLogger;
  /** Which parts are simulated (sim/parts.ts); true = all of them. */
  simulate: boolean | SimParts;
  env: NodeJS.ProcessEnv;
}

export interface RunningDaemon {
  stop(reason: string): Promise<boolean>;
  http: HttpServer;
  store: Store;
  notifier: Notifier;
  gateway: FreeswitchGateway;
  /** Simulation mode only. */
  emulator?: FreeSwitchEmulator;
}

/** Refuse early, with the reason, when the data directory cannot be written. */
export async function checkDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EROFS' ? 'read-only file system' : err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'ENOTDIR' ? 'a path component is not a directory' : err.message;
    throw new Error(`the data directory ${dir} is not writable: ${why}`, { cause: e });
  }
}

function fnComponent(name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void): Component {
  return { name, start: async () => start(), stop: async () => stop() };
}

export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  const { config, logger } = o;
  const sim = simPartsOf(o.simulate);
  const simulating = sim.size > 0;
  const log = logger.ns('daemon');
  const life = new Lifecycle(logger.ns('lifecycle'));
  const notifier = createNotifier(o.env, logger.ns('systemd'));
  const bus = new EventBus(logger.ns('events'));
  const health = new HealthRegistry({ version: VERSION, site: config.site, node: config.node }, (h) => bus.emit('health', h));

  await checkDataDir(config.dataDir);
  let store: Store | undefined;
  try {
    await life.start(fnComponent('data-dir', () => claimDataDir(config.dataDir), () => releaseDataDir(config.dataDir)));
    // Per-device secrets (event-socket password, xml_curl secret, phone passwords), made on first start.
    const fsSecrets = () => loadOrCreateDeviceSecrets(config.dataDir, phonesNeedingSecrets(config));
    const secrets = await fsSecrets();
    store = await Store.open(config.dataDir, { site: config.site, node: config.node });
    const st = store;
    await life.start(fnComponent('store', () => undefined, () => st.close()));
    if (st.migrationsApplied) logger.ns('store').info({ applied: st.migrationsApplied }, 'database migrated');
    const storeOk = `database answers (schema ${LATEST_SCHEMA})`;
    health.set('store', 'ok', storeOk);
    // The store can fail under us (disk gone, file corrupted): probe it like the watchdog does.
    const probe = setInterval(() => void st.ping(2000).then((alive) => health.set('store', alive ? 'ok' : 'down', alive ? storeOk : 'the database does not answer')), 10_000);
    probe.unref();
    await life.start(fnComponent('store-probe', () => undefined, () => clearInterval(probe)));
    health.set('gsm', 'disabled', config.lines.modems.length ? 'starting' : 'no modem configured');
    health.set('lines', 'disabled', config.lines.lineCards.length ? 'starting' : 'no line card configured');

    const sampler = new SystemSampler(config.dataDir, logger.ns('health'), (r) => health.setSystem(r));
    await life.start(fnComponent('system-sampler', () => sampler.start(), () => sampler.stop()));

    const sessions = new Sessions(st, { idleMs: config.http.sessionIdleMinutes * 60_000, maxMs: config.http.sessionMaxHours * 3_600_000 });
    const purge = setInterval(() => void sessions.purgeExpired().catch(() => undefined), 10 * 60_000);
    purge.unref();
    await life.start(fnComponent('sessions', () => sessions.purgeExpired().then(() => undefined), () => clearInterval(purge)));
    const accounts = new Accounts(st, sessions, bus, logger.ns('api:auth'));

    const eslPassword = eslPasswordOf(config, secrets);
    const fsTarget = { host: config.freeswitch.host, port: config.freeswitch.port };
    let emulator: FreeSwitchEmulator | undefined;
    if (sim.has('freeswitch')) {
      // Simulation swaps the source, not the logic: the emulator speaks the real
      // event-socket protocol on a free loopback port, with the configured
      // phones registered and answering. It is loaded only in simulation, so a
      // board never carries it in memory.
      const { FreeSwitchEmulator } = await import('./sim/freeswitch/index.js');
      const emu = new FreeSwitchEmulator({
        password: eslPassword,
        host: '127.0.0.1',
        port: 0,
        recordingsDir: join(config.dataDir, 'recordings'),
        phones: config.phones.map((p) => ({ number: p.number, name: p.name, behaviour: 'answer' as const, answerAfterMs: 1500, busyWhenInCall: true })),
      });
      await life.start(fnComponent('freeswitch-emulator', async () => { fsTarget.port = (await emu.start()).port; fsTarget.host = '127.0.0.1'; }, () => emu.stop()));
      emulator = emu;
      logger.ns('sim').info({ port: fsTarget.port, phones: config.phones.map((p) => p.number) }, 'FreeSWITCH emulator listening');
    }
    const gateway = new FreeswitchGateway(
      { ...fsTarget, password: eslPassword, recordingsDir: join(config.dataDir, 'recordings') },
      { store: st, health, bus, log: logger.ns('pbx') },
    );
    await life.start(gateway);

    // The uplink to central. Simulation without a broker: an embedded one on 127.0.0.1:1883
    // (mosquitto_sub -t 'callpoint/v1/#' -v shows the traffic).
    let brokers = config.uplink.brokers;
    if (sim.has('broker') && !brokers.length) {
      const { SimBroker } = await import('./sim/broker/index.js');
      const simBroker = new SimBroker({ host: '127.0.0.1', port: 1883 }, logger.ns('sim:broker'));
      await life.start(simBroker);
      brokers = [simBroker.url];
    }
    const uplink = new UplinkClient(uplinkOptionsFrom(config, VERSION, brokers), { store: st, health, bus, log: logger.ns('uplink'), pbx: gateway });
    const offNotify = [bus.on('call', () => uplink.notify()), bus.on('alarm', () => uplink.notify())];
    const faults = new FaultBook(st, bus, logger.ns('alarms:faults'), () => uplink.notify());

    // The board: call-point inputs and the indications. A missing chip or GPIO is a fault in health, never a crash.
    const checked = await boardProblems(config);
    if (!checked.profile || checked.problems.length) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    const profile = checked.profile;
    const hwLog = logger.ns('hardware');
    const board = new Board(profile, sim.has('board') ? new SimDeviceFactory(profile) : new RealDeviceFactory(), { log: hwLog });
    // The alarm service asks the lines about the GSM trunk; SMS commands acknowledge alarms.
    // eslint-disable-next-line prefer-const -- assigned once the alarm service exists
    let alarms: AlarmService | undefined;
    const lineService = new LinesService(config, { store: st, bus, faults, health, alarms: () => alarms, logger, notify: () => uplink.notify(), simulate: sim.has('lines') });
    const pbxForAlarms = withGsmTrunk(gateway, () => lineService.gsmTrunk());
    alarms = new AlarmService(config, st, pbxForAlarms, boardOutputs(board, profile, config.points, logger.ns('alarms:outputs')), bus, logger.ns('alarms'));
    const reportBoard = () => {
      const h = board.health();
      health.set('hardware', h.status, h.detail);
    };
    const supervision = new Supervision(config, faults, health, gateway, brokers.length ? uplink : undefined, board, logger.ns('alarms:supervision'));
    const onHardware = (e: HardwareEvent) => {
      if (e.kind === 'pressed') {
        for (const p of config.points.filter((x) => x.input === e.input)) void alarms.press(p.id, 'button').catch((err: unknown) => hwLog.error({ err, point: p.id }, 'press not handled'));
      }
      // Supervision: stuck buttons, cut or shorted wiring, chips that stop answering — fault records, to central and the UI.
      supervision.hardware(e);
      if (e.kind !== 'pressed' && e.kind !== 'released' && e.kind !== 'long-press') reportBoard();
    };
    const offHardware = board.onEvent(onHardware);
    // The board first (its outputs must exist when the alarm service restores indications), then the alarms.
    await life.start({ name: 'hardware', start: async () => { await board.start(); reportBoard(); }, stop: async () => { offHardware(); await board.stop(); } });
    await life.start(fnComponent('alarms', () => alarms.start(), () => alarms.stop()));
    await life.start(lineService);
    const linesApi = {
      view: () => lineService.view(),
      queueSms: (to: string, text: string, opts: { tag?: string }, modemId?: string) => lineService.queueSms(to, text, opts, modemId),
      ussd: (modemId: string, code: string) => lineService.ussd(modemId, code),
      sim: sim.has('lines') ? lineService.simControls() : undefined,
    };
    const selfTest = new SelfTest(config.points, st, bus, logger.ns('alarms:self-test'), () => uplink.notify(), faults, { pbx: pbxForAlarms });
    await life.start({ name: 'self-test', start: () => selfTest.start(), stop: () => selfTest.stop() });
    // Central's alarm commands are registered before the uplink connects, so none is answered "unknown".
    const offCommands = registerAlarmCommands((n, s, h) => uplink.registerCommand(n, s, h), alarms, selfTest);
    await life.start({
      name: 'uplink',
      start: () => uplink.start(),
      stop: async () => {
        for (const off of [...offNotify, ...offCommands]) off();
        await uplink.stop();
      },
    });
    await life.start(fnComponent('supervision', () => supervision.start(), () => supervision.stop()));
    const hwTimer = setInterval(reportBoard, 5000);
    hwTimer.unref();
    // The board view for the UI: pushed when an input or a lamp changes (polled: outputs flash on their own timers).
    const boardView = { snapshot: () => boardSnapshot(board, profile, config.points) };
    let lastBoard = '';
    const boardTimer = setInterval(() => {
      if (!bus.listenerCount('board')) {
        lastBoard = '';
        return;
      }
      const snap = boardView.snapshot();
      const text = JSON.stringify({ i: snap.inputs, o: snap.outputs.map((o) => [o.id, o.mode]), d: snap.devices.map((x) => x.status) });
      if (text !== lastBoard) {
        lastBoard = text;
        bus.emit('board', snap);
      }
    }, 250);
    boardTimer.unref();
    await life.start(fnComponent('hardware-health', () => undefined, () => { clearInterval(hwTimer); clearInterval(boardTimer); }));
    const simToken = simulating ? randomBytes(24).toString('base64url') : undefined;
    if (simToken) await writeFile(join(config.dataDir, SIM_TOKEN_FILE), simToken, { mode: 0o600 });
    const simInputs = sim.has('board')
      ? {
          // A momentary press of the simulated button, through the same debounce as a real one.
          press: async (input: string): Promise<SimInputResult> => {
            const point = config.points.find((p) => p.input === input || p.id === input);
            if (!point) return { ok: false, error: `no call point on input ${input} (known: ${config.points.map((p) => p.input).join(', ') || 'none'})` };
            const t0 = new Date().toISOString();
            board.press(point.input);
            setTimeout(() => board.release(point.input), 300).unref();
            for (let i = 0; i < 40; i++) {
              await new Promise((r) => setTimeout(r, 50));
              const a = await st.alarms.openForPoint(point.id);
              if (a && a.updatedAt >= t0) return { ok: true, input: point.input, alarmId: a.id };
            }
            return { ok: true, input: point.input };
          },
          release: async (input: string): Promise<SimInputResult> => {
            const point = config.points.find((p) => p.input === input || p.id === input);
            if (!point) return { ok: false, error: `no call point on input ${input}` };
            board.release(point.input);
            return { ok: true, input: point.input };
          },
          /** A simulated phone presses keys on its current call (the dispatcher acknowledging). */
          phoneKeys: (phone: string, digits: string): SimInputResult => {
            if (!emulator || !config.phones.some((p) => p.number === phone)) return { ok: false, error: `no simulated phone ${phone}` };
            emulator.phone(phone).sendDtmf(digits);
            return { ok: true, input: phone };
          },
        }
      : undefined;

    const tls = !!config.http.tls;
    // A __Host- cookie must be Secure, and browsers drop Secure cookies set over
    // plain HTTP (except on localhost); on HTTP the prefix is impossible.
    const cookie: CookiePolicy = { name: tls ? '__Host-callpoint' : 'callpoint', secure: tls, maxAgeMs: config.http.sessionMaxHours * 3_600_000 };
    if (!tls && config.http.host !== '127.0.0.1' && config.http.host !== 'localhost')
      log.warn('the admin UI is served over plain HTTP on the network: passwords and the session cookie cross the wire unencrypted; configure http.tls');
    const app = createApp(
      { store: st, accounts, sessions, health, bus, log: logger.ns('api'), cookie, simulate: simulating, pbx: gateway, alarms, selfTest, faults, board: boardView, lines: linesApi, simInputs, simToken },
      { trustProxy: config.http.trustProxy, freeswitch: { config, secrets: fsSecrets, log: logger.ns('api:freeswitch') } },
    );
    const http = new HttpServer(app, config.http, logger.ns('api:http'), healthFastPath(health, capturedSecurityHeaders(cookie.secure)));
    await life.start(http);

    const shownHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const base = `${tls ? 'https' : 'http'}://${shownHost}:${http.port}`;
    let setupLink: string | undefined;
    if (await accounts.needsSetup()) {
      const { token, expiresAt } = await issueSetupToken(st.settings, config.http.setupLinkMinutes * 60_000);
      setupLink = `${base}/setup#token=${token}`;
      log.warn({ expiresAt }, `No administrator exists yet. Open this one-time link to create one (valid until ${expiresAt}): ${setupLink}`);
      if (config.http.host === '0.0.0.0') log.warn('From a laptop, replace 127.0.0.1 in the link with the board’s address. Or run: callpoint user add NAME --role admin');
    }

    const watchdog = new Watchdog(notifier, { storeAlive: () => st.ping(1000) }, logger.ns('systemd'));
    await life.start(fnComponent('watchdog', () => watchdog.start(), () => watchdog.stop()));
    await notifier.send(`READY=1\nSTATUS=serving on ${base}\nMAINPID=${process.pid}`);
    log.info({ version: VERSION, site: config.site, node: config.node, url: base, simulate: [...sim] }, 'Callpoint is up');
    if (sim.has('board')) {
      // A newcomer after `make run` needs this among the log lines, plainly.
      const lines = [
        'Callpoint simulation is running.',
        `  Admin UI:  ${base}`,
        setupLink ? `  First run: open ${setupLink}` : '  Log in with an account you created (callpoint user add NAME --role admin --config …).',
        setupLink ? '             to create the administrator (the link works once).' : '',
        `  Data:      ${config.dataDir}        Stop: Ctrl-C`,
      ].filter(Boolean);
      const width = Math.max(...lines.map((l) => l.length)) + 2;
      process.stderr.write(`\n┌${'─'.repeat(width)}┐\n${lines.map((l) => `│ ${l.padEnd(width - 1)}│`).join('\n')}\n└${'─'.repeat(width)}┘\n\n`);
    }

    let stopping: Promise<boolean> | undefined;
    return {
      http,
      store: st,
      notifier,
      gateway,
      emulator,
      stop(reason) {
        stopping ??= (async () => {
          log.info({ reason }, 'stopping');
          await notifier.send('STOPPING=1');
          const clean = await life.stopAll(STOP_BOUND_MS);
          notifier.close();
          return clean;
        })();
        return stopping;
      },
    };
  } catch (e) {
    await life.stopAll(STOP_BOUND_MS);
    notifier.close();
    throw e;
  }
}
