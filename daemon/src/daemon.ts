// The composition root: builds every component from the configuration,
// wires them together and starts them in order; stops them in reverse. It
// decides nothing itself — the domain glue lives with the domain (alarms/,
// lines/), simulation wiring in sim/.
import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Accounts } from './accounts/accounts.js';
import { Sessions } from './accounts/sessions.js';
import { issueSetupToken } from './accounts/setup-token.js';
import { AlarmService } from './alarms/alarm-service.js';
import { boardProblems } from './alarms/board-check.js';
import { BoardMonitor } from './alarms/board-monitor.js';
import { boardOutputs } from './alarms/board-outputs.js';
import { registerAlarmCommands } from './alarms/central-commands.js';
import { FaultBook } from './alarms/faults.js';
import { PointInputs } from './alarms/point-inputs.js';
import { SelfTest } from './alarms/self-test.js';
import { Supervision } from './alarms/supervision.js';
import { capturedSecurityHeaders, createApp } from './api/app.js';
import { healthFastPath, healthRenderer } from './api/health-fast-path.js';
import { HttpServer } from './api/http-server.js';
import type { CookiePolicy } from './api/route.js';
import type { Config } from './config/schema.js';
import { EventBus } from './events/bus.js';
import { HealthRegistry } from './health/health.js';
import { SystemSampler } from './health/system-sampler.js';
import { Lifecycle, periodic, type Component } from './lifecycle/components.js';
import { createNotifier, type Notifier } from './lifecycle/sd-notify.js';
import { Watchdog } from './lifecycle/watchdog.js';
import { withGsmTrunk } from './lines/gsm-trunk.js';
import { LinesService } from './lines/lines-service.js';
import { hardwareSerialPorts } from './lines/serial-ports.js';
import type { Logger, RootLogger } from './log/logger.js';
import { VERSION } from './paths.js';
import { registerPbxCommands } from './pbx/central-commands.js';
import { FreeswitchGateway } from './pbx/gateway.js';
import { registerRoutingCommands } from './routing/central-commands.js';
import { RoutingService } from './routing/routing-service.js';
import type { SimParts } from './sim/parts.js';
import type { Simulation } from './sim/simulation.js';
import { claimDataDir, releaseDataDir } from './store/lock.js';
import { LATEST_SCHEMA } from './store/migrations.js';
import { Store } from './store/store.js';
import { UplinkClient, uplinkOptionsFrom } from './uplink/index.js';
import { Board, RealDeviceFactory } from '../../hardware/src/index.js';
import { loadOrCreateDeviceSecrets } from '../../provisioning/src/device-secrets.js';
import type { DeviceSecrets } from '../../provisioning/src/device-secrets.js';
import { freeswitchFiles, type GeneratedFile } from '../../provisioning/src/files.js';
import { eslPasswordOf, phonesNeedingSecrets } from '../../provisioning/src/values.js';

export const STOP_BOUND_MS = 10_000;

export interface DaemonOptions {
  config: Config;
  logger: RootLogger;
  /** The simulated parts (none on a board). */
  simulate: SimParts;
  env: NodeJS.ProcessEnv;
}

export interface RunningDaemon {
  stop(reason: string): Promise<boolean>;
  http: HttpServer;
  store: Store;
  notifier: Notifier;
  gateway: FreeswitchGateway;
  /** Simulation mode only: the simulated parts (the emulator, the board's inputs). */
  sim?: Simulation;
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

const component = (name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void): Component => ({ name, start: async () => start(), stop: async () => stop() });

export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  const { config, logger } = o;
  const log = logger.ns('daemon');
  const life = new Lifecycle(logger.ns('lifecycle'));
  const notifier = createNotifier(o.env, logger.ns('systemd'));
  const bus = new EventBus(logger.ns('events'));
  const health = new HealthRegistry({ version: VERSION, site: config.site, node: config.node }, (h) => bus.emit('health', h));

  await checkDataDir(config.dataDir);
  try {
    // ---- the data directory, the store, accounts ----
    await life.start(component('data-dir', () => claimDataDir(config.dataDir), () => releaseDataDir(config.dataDir)));
    // Per-device secrets (event-socket password, xml_curl secret, phone passwords), made on first start.
    const fsSecrets = () => loadOrCreateDeviceSecrets(config.dataDir, phonesNeedingSecrets(config));
    const secrets = await fsSecrets();
    const store = await Store.open(config.dataDir, { site: config.site, node: config.node });
    await life.start(component('store', () => undefined, () => store.close()));
    if (store.migrationsApplied) logger.ns('store').info({ applied: store.migrationsApplied }, 'database migrated');
    const storeOk = `database answers (schema ${LATEST_SCHEMA})`;
    health.set('store', 'ok', storeOk);
    // The store can fail under us (disk gone, file corrupted): probe it like the watchdog does.
    await life.start(periodic('store-probe', 10_000, () => store.ping(2000).then((alive) => health.set('store', alive ? 'ok' : 'down', alive ? storeOk : 'the database does not answer'))));
    health.set('gsm', 'disabled', config.lines.modems.length ? 'starting' : 'no modem configured');
    health.set('lines', 'disabled', config.lines.lineCards.length ? 'starting' : 'no line card configured');
    const sampler = new SystemSampler(config.dataDir, logger.ns('health'), (r) => health.setSystem(r));
    await life.start(component('system-sampler', () => sampler.start(), () => sampler.stop()));
    const sessions = new Sessions(store, { idleMs: config.http.sessionIdleMinutes * 60_000, maxMs: config.http.sessionMaxHours * 3_600_000 });
    await sessions.purgeExpired();
    await life.start(periodic('sessions', 10 * 60_000, () => sessions.purgeExpired()));
    const accounts = new Accounts(store, sessions, bus, logger.ns('api:auth'));

    // ---- the simulated parts, when asked for: each replaces a source below ----
    const sim = o.simulate.size ? new (await import('./sim/simulation.js')).Simulation(o.simulate, config, logger, life) : undefined;

    // ---- FreeSWITCH and the uplink to central ----
    const eslPassword = eslPasswordOf(config, secrets);
    const configuredFs = { host: config.freeswitch.host, port: config.freeswitch.port };
    const fsTarget = sim ? await sim.freeswitch(eslPassword, configuredFs, simulatedFreeswitchFiles(config, secrets, log)) : configuredFs;
    const gateway = new FreeswitchGateway({ ...fsTarget, password: eslPassword, recordingsDir: join(config.dataDir, 'recordings') }, { store, health, bus, log: logger.ns('pbx') });
    await life.start(gateway);
    const brokers = sim ? await sim.brokers(config.uplink.brokers) : config.uplink.brokers;
    const uplink = new UplinkClient(uplinkOptionsFrom(config, VERSION, brokers), { store, health, bus, log: logger.ns('uplink') });
    const notify = () => uplink.notify();
    const offNotify = [bus.on('call', notify), bus.on('alarm', notify)];
    const faults = new FaultBook({ store, bus, log: logger.ns('alarms:faults'), notify });

    // ---- the board, the lines, the alarm service ----
    // A missing chip or GPIO is a fault in health, never a crash; a point on an input the board lacks is a refusal.
    const checked = await boardProblems(config);
    if (!checked.profile || checked.problems.length) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    const profile = checked.profile;
    const board = new Board(profile, sim ? sim.deviceFactory(profile) : new RealDeviceFactory(), { log: logger.ns('hardware') });
    const realPorts = hardwareSerialPorts(logger);
    // The alarm service asks the lines about the GSM trunk; SMS commands acknowledge alarms.
    // eslint-disable-next-line prefer-const -- assigned once the alarm service exists
    let alarms: AlarmService | undefined;
    const lines = new LinesService(config, { store, bus, faults, health, alarms: () => alarms, logger, notify, ports: sim ? sim.serialPorts(realPorts) : realPorts });
    const pbx = withGsmTrunk(gateway, () => lines.gsmTrunk());
    alarms = new AlarmService({ config, store, pbx, outputs: boardOutputs(board, profile, config.points, logger.ns('alarms:outputs')), bus, log: logger.ns('alarms') });
    const supervision = new Supervision({ config, faults, health, pbx: gateway, uplink: brokers.length ? uplink : undefined, board, log: logger.ns('alarms:supervision') });
    const inputs = new PointInputs(config.points, alarms, logger.ns('hardware'));
    const monitor = new BoardMonitor({ board, profile, points: config.points, bus, health });
    const offHardware = board.onEvent((e) => {
      inputs.handle(e);
      // Supervision: stuck buttons, cut or shorted wiring, chips that stop answering — fault records, to central and the UI.
      supervision.hardware(e);
      monitor.onHardware(e);
    });
    // The board first (its outputs must exist when the alarm service restores indications), then the alarms.
    await life.start(component('hardware', () => board.start(), async () => { offHardware(); await board.stop(); }));
    await life.start(monitor);
    const alarmService = alarms;
    await life.start(component('alarms', () => alarmService.start(), () => alarmService.stop()));
    await life.start(lines);
    // Routing: FreeSWITCH asks it for every call (mod_xml_curl); trunks' state from the gateway and the lines.
    const routing = new RoutingService({ config, store, bus, log: logger.ns('routing'), pbx: gateway, lines: () => lines.view(), faults, notify });
    await life.start(routing);
    const selfTest = new SelfTest({ points: config.points, store, bus, log: logger.ns('alarms:self-test'), notify, faults }, { pbx });
    await life.start(component('self-test', () => selfTest.start(), () => selfTest.stop()));

    // Central's commands are registered before the uplink connects, so none is answered "unknown".
    const offCommands = [...registerAlarmCommands(uplink.registerCommand, alarmService, selfTest), ...registerPbxCommands(uplink.registerCommand, gateway), ...registerRoutingCommands(uplink.registerCommand, routing)];
    await life.start(component('uplink', () => uplink.start(), async () => {
      for (const off of [...offNotify, ...offCommands]) off();
      await uplink.stop();
    }));
    await life.start(component('supervision', () => supervision.start(), () => supervision.stop()));

    // ---- the admin UI and API ----
    const tls = !!config.http.tls;
    // A __Host- cookie must be Secure, and browsers drop Secure cookies set over
    // plain HTTP (except on localhost); on HTTP the prefix is impossible.
    const cookie: CookiePolicy = { name: tls ? '__Host-callpoint' : 'callpoint', secure: tls, maxAgeMs: config.http.sessionMaxHours * 3_600_000 };
    if (!tls && config.http.host !== '127.0.0.1' && config.http.host !== 'localhost')
      log.warn('the admin UI is served over plain HTTP on the network: passwords and the session cookie cross the wire unencrypted; configure http.tls');
    const linesApi = {
      view: () => lines.view(),
      queueSms: (to: string, text: string, opts: { tag?: string }, modemId?: string) => lines.queueSms(to, text, opts, modemId),
      ussd: (modemId: string, code: string) => lines.ussd(modemId, code),
      enterPin: (modemId: string, pin: string, by: string) => lines.enterPin(modemId, pin, by),
    };
    const simApi = sim ? await sim.api(config.points, store) : undefined;
    const app = createApp(
      { store, accounts, sessions, health, bus, log: logger.ns('api'), cookie, pbx: gateway, alarms: alarmService, selfTest, faults, board: monitor, lines: linesApi, routing, sim: simApi },
      { trustProxy: config.http.trustProxy, freeswitch: { config, secrets: fsSecrets, log: logger.ns('api:freeswitch'), routing } },
    );
    const http = new HttpServer(app, config.http, logger.ns('api:http'), healthFastPath(healthRenderer(health), capturedSecurityHeaders(cookie.secure)));
    await life.start(http);

    const shownHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const base = `${tls ? 'https' : 'http'}://${shownHost}:${http.port}`;
    let setupLink: string | undefined;
    if (await accounts.needsSetup()) {
      const { token, expiresAt } = await issueSetupToken(store.settings, config.http.setupLinkMinutes * 60_000);
      setupLink = `${base}/setup#token=${token}`;
      log.warn({ expiresAt }, `No administrator exists yet. Open this one-time link to create one (valid until ${expiresAt}): ${setupLink}`);
      if (config.http.host === '0.0.0.0') log.warn('From a laptop, replace 127.0.0.1 in the link with the board’s address. Or run: callpoint user add NAME --role admin');
    }

    // ---- systemd ----
    const watchdog = new Watchdog(notifier, { storeAlive: () => store.ping(1000) }, logger.ns('systemd'));
    await life.start(component('watchdog', () => watchdog.start(), () => watchdog.stop()));
    await notifier.send(`READY=1\nSTATUS=serving on ${base}\nMAINPID=${process.pid}`);
    log.info({ version: VERSION, site: config.site, node: config.node, url: base, simulate: sim?.description ?? 'none' }, 'Callpoint is up');
    if (sim) printSimulationBanner(base, setupLink, config.dataDir, sim.description);

    let stopping: Promise<boolean> | undefined;
    return {
      http,
      store,
      notifier,
      gateway,
      sim,
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

/** What provisioning would write, for the emulator; none (the emulator's own dialplan) when this configuration cannot be provisioned. */
function simulatedFreeswitchFiles(config: Config, secrets: DeviceSecrets, log: Logger): GeneratedFile[] {
  try {
    return freeswitchFiles(config, secrets);
  } catch (e) {
    log.warn({ err: e }, `the emulated FreeSWITCH runs without Callpoint's dialplan: ${(e as Error).message}`);
    return [];
  }
}

/** A newcomer after `make run` needs this among the log lines, plainly. */
function printSimulationBanner(base: string, setupLink: string | undefined, dataDir: string, parts: string): void {
  const lines = [
    `Callpoint simulation is running (simulated: ${parts}).`,
    `  Admin UI:  ${base}`,
    setupLink ? `  First run: open ${setupLink}` : '  Log in with an account you created (callpoint user add NAME --role admin --config …).',
    setupLink ? '             to create the administrator (the link works once).' : '',
    `  Data:      ${dataDir}        Stop: Ctrl-C`,
  ].filter(Boolean);
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  process.stderr.write(`\n┌${'─'.repeat(width)}┐\n${lines.map((l) => `│ ${l.padEnd(width - 1)}│`).join('\n')}\n└${'─'.repeat(width)}┘\n\n`);
}
