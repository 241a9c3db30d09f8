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
import { HeldAlarms } from './alarms/held-alarms.js';
import { StoreWatch } from './alarms/store-watch.js';
import { PointInputs } from './alarms/point-inputs.js';
import { SelfTest } from './alarms/self-test.js';
import { Supervision } from './alarms/supervision.js';
import { WalkTest } from './alarms/walk-test.js';
import { AdminServer } from './api/admin-server.js';
import { capturedSecurityHeaders, createApp } from './api/app.js';
import { healthFastPath, healthRenderer } from './api/health-fast-path.js';
import { HttpServer } from './api/http-server.js';
import { RequestGate } from './api/request-gate.js';
import type { CookiePolicy, MaintenanceApi } from './api/route.js';
import { registerConfigCommands } from './config/central-command.js';
import { sameValue } from './config/diff.js';
import { EditClient } from './config/edit-client.js';
import { ConfigError } from './config/errors.js';
import { ConfigHolder } from './config/holder.js';
import { LiveApply } from './config/live-apply.js';
import { openLiveConfig, type SeedSource } from './config/live-file.js';
import { parseConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { ConfigService } from './config/service.js';
import { siteTimeZone } from './config/site-time.js';
import { english, phrase } from './contracts/phrases/index.js';
import { writeFileAtomic } from './lifecycle/atomic-file.js';
import { EventBus } from './events/bus.js';
import { BoardInventory } from './health/board-inventory.js';
import { HealthRegistry } from './health/health.js';
import { LoadGauges } from './health/load.js';
import { SystemSampler } from './health/system-sampler.js';
import { Lifecycle, periodic, type Component } from './lifecycle/components.js';
import { createNotifier, type Notifier } from './lifecycle/sd-notify.js';
import { Watchdog } from './lifecycle/watchdog.js';
import { withGsmTrunk } from './lines/gsm-trunk.js';
import { LinesService } from './lines/lines-service.js';
import { hardwareSerialPorts } from './lines/serial-ports.js';
import type { Logger, RootLogger } from './log/logger.js';
import { VERSION } from './paths.js';
import { originateAllowList, registerPbxCommands } from './pbx/central-commands.js';
import { FreeswitchGateway } from './pbx/gateway.js';
import { registerRoutingCommands } from './routing/central-commands.js';
import { RoutingService } from './routing/routing-service.js';
import { AcdService } from './desk/acd-service.js';
import type { SimParts } from './sim/parts.js';
import type { Simulation } from './sim/simulation.js';
import { AuditSummary } from './store/audit-summary.js';
import { createBackup } from './store/backup.js';
import { claimDataDir, type DataDirLock } from './store/lock.js';
import { applyPendingRestore, cancelRestore, pendingRestore, stageRestore } from './store/restore-staging.js';
import { LATEST_SCHEMA } from './store/migrations.js';
import { IDENTITY_KEY, Store } from './store/store.js';
import { UplinkClient, uplinkOptionsFrom } from './uplink/index.js';
import { draftSettings, probeUplink } from './uplink/probe.js';
import { Board, RealDeviceFactory } from '../../hardware/src/index.js';
import { loadOrCreateDeviceSecrets } from '../../provisioning/src/device-secrets.js';
import type { DeviceSecrets } from '../../provisioning/src/device-secrets.js';
import { freeswitchFiles, type GeneratedFile } from '../../provisioning/src/files.js';
import { eslPasswordOf, phonesNeedingSecrets } from '../../provisioning/src/values.js';

export const STOP_BOUND_MS = 10_000;

export interface DaemonOptions {
  /** The seed file's configuration (it names the data directory; the live file there is what runs, see config/live-file.ts). */
  config: Config;
  /** The seed file's text, as on disk (and migrated when it is of an older format). */
  seed: SeedSource;
  logger: RootLogger;
  /** The simulated parts (none on a board). */
  simulate: SimParts;
  env: NodeJS.ProcessEnv;
  /** Run by systemd, which restarts the process when the daemon asks (else it restarts itself in the same process). */
  supervised?: boolean;
}

export interface RunningDaemon {
  stop(reason: string): Promise<boolean>;
  /** Resolves with the reason when an admin asks for a restart (the run command stops and starts again). */
  restartRequested: Promise<string>;
  http: AdminServer;
  store: Store;
  notifier: Notifier;
  gateway: FreeswitchGateway;
  /** The configuration's runtime API (the live file, its versions, applies). */
  config: ConfigService;
  /** The alarm service (tests and the bench drive alarms through it). */
  alarms: AlarmService;
  walkTest: WalkTest;
  /** The board's inputs, lamps and devices as the UI sees them. */
  board: BoardMonitor;
  /** Simulation mode only: the simulated parts (the emulator, the board's inputs). */
  sim?: Simulation;
}

/** Refuse early, with the reason, when the data directory cannot be written; a full disk is only reported. */
export async function checkDataDir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // A full disk is not a reason to stay down: alarms are still signalled and called (and held until
    // they can be written); health says the store is failing.
    if (err.code === 'ENOSPC') return 'no space left on the device';
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EROFS' ? 'read-only file system' : err.code === 'ENOTDIR' ? 'a path component is not a directory' : err.message;
    throw new Error(`the data directory ${dir} is not writable: ${why}`, { cause: e });
  }
  return undefined;
}

const component = (name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void): Component => ({ name, start: async () => start(), stop: async () => stop() });

export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  const { logger } = o;
  const log = logger.ns('daemon');
  const life = new Lifecycle(logger.ns('lifecycle'));
  const notifier = createNotifier(o.env, logger.ns('systemd'));
  const bus = new EventBus(logger.ns('events'));
  const dataDir = o.config.dataDir;

  const full = await checkDataDir(dataDir);
  if (full) log.error({ dataDir }, `the data directory is full (${full}): starting anyway; alarms are held until they can be written`);
  let requestRestart: (reason: string) => void = () => undefined;
  const restartRequested = new Promise<string>((resolve) => (requestRestart = resolve));
  try {
    // ---- the data directory, the live configuration, the store, accounts ----
    // The data directory's lock for the daemon's whole life: no second daemon, no restore under it.
    let dataDirLock: DataDirLock | undefined;
    await life.start(component('data-dir', async () => {
      dataDirLock = await claimDataDir(dataDir, (err) => log.error({ err }, `cannot write the pid file in ${dataDir}; running without it`));
    }, () => dataDirLock?.release()));
    // A backup an admin uploaded: applied now, holding the data directory, before the database is opened.
    const restored = await applyPendingRestore(dataDir, { site: o.config.site, node: o.config.node });
    if (restored?.ok) log.warn({ by: restored.staged.by, made: restored.staged.manifest.createdAt, keptAs: restored.keptAs }, 'restored the backup uploaded in the admin UI');
    if (restored && !restored.ok) log.error({ by: restored.staged?.by, error: restored.error, setAsideAs: restored.setAsideAs }, 'the backup uploaded in the admin UI could not be restored: starting on the database as it was');
    // The configuration that runs is the live file in the data directory, seeded from --config.
    const liveFile = await openLiveConfig(o.seed, dataDir);
    const parsed = parseConfig(liveFile.text, o.env);
    if (!parsed.config) throw new ConfigError(liveFile.path, parsed.problems);
    if (parsed.migrated !== undefined) {
      // Our own file: written in the current format at once (the old form stays in the history).
      await writeFileAtomic(liveFile.path, parsed.migrated);
      liveFile.text = parsed.migrated;
    }
    const config = parsed.config;
    if (liveFile.origin !== 'live') log.info({ file: liveFile.path, seed: liveFile.seed, origin: liveFile.origin }, `configuration: ${liveFile.origin === 'seed-changed' ? 'the seed file changed; taken as a new version' : liveFile.origin === 'seed-first' ? 'first start: the live file is seeded' : 'the seed file is the live file'}`);
    logger.setLevels(config.log);
    const holder = new ConfigHolder(config);
    const now = () => holder.current;
    const timeZone = siteTimeZone(config.timeZone);
    const health = new HealthRegistry({ version: VERSION, site: config.site, node: config.node }, (h) => bus.emit('health', h));

    // Per-device secrets (event-socket password, xml_curl secret, phone passwords), made on first start; a phone added later gets one at its first lookup.
    const fsSecrets = () => loadOrCreateDeviceSecrets(dataDir, phonesNeedingSecrets(now()));
    const secrets = await fsSecrets();
    const store = await Store.open(dataDir, { site: config.site, node: config.node });
    await life.start(component('store', () => undefined, () => store.close()));
    if (store.migrationsApplied) logger.ns('store').info({ applied: store.migrationsApplied }, 'database migrated');
    // Whose database this is, for `callpoint restore` (a backup of another site or node is refused).
    const identity = await store.settings.get<{ site: string; node: string }>(IDENTITY_KEY).catch(() => undefined);
    if (identity?.site !== config.site || identity.node !== config.node)
      await store.settings.set(IDENTITY_KEY, { site: config.site, node: config.node }, 'system').catch((err: unknown) => logger.ns('store').warn({ err }, 'cannot record the site and node in the database'));
    if (restored) {
      const said = restored.ok ? phrase('audit.restore.applied', { createdAt: restored.staged.manifest.createdAt }) : phrase('audit.restore.refused', { why: restored.error });
      await store.audit.insert({ username: 'system', role: null, ip: null, action: 'backup.restore', target: null, outcome: restored.ok ? 'ok' : 'failed', detail: restored.ok ? english(said) : restored.error, phrase: said });
    }
    const storeOk = `database answers and takes writes (schema ${LATEST_SCHEMA})`;
    health.set('store', 'ok', storeOk, phrase('health.store.ok', { schema: LATEST_SCHEMA }));
    health.say('gsm', 'disabled', config.lines.modems.length ? phrase('health.starting') : phrase('health.gsm.none'));
    health.say('lines', 'disabled', config.lines.lineCards.length ? phrase('health.starting') : phrase('health.lines.none'));
    const sampler = new SystemSampler(dataDir, logger.ns('health'), (r) => health.setSystem(r));
    await life.start(component('system-sampler', () => sampler.start(), () => sampler.stop()));
    const inventory = new BoardInventory({ dataDir, log: logger.ns('health'), onChange: (i) => health.setInventory(i) });
    await life.start(component('board-inventory', () => inventory.start(), () => inventory.stop()));
    const sessions = new Sessions(store, () => ({ idleMs: now().http.sessionIdleMinutes * 60_000, maxMs: now().http.sessionMaxHours * 3_600_000 }));
    await sessions.purgeExpired().catch((err: unknown) => log.error({ err }, 'cannot purge expired sessions now'));
    await life.start(periodic('sessions', 10 * 60_000, () => sessions.purgeExpired()));
    // Refusals at the edges (logins, API requests) are audited one by one until they come in a
    // flood; then one row per kind and minute. The audit log is kept for a stated age and size.
    const refusals = new AuditSummary((e) => store.audit.insert(e).then((entry) => bus.emit('audit', entry)), logger.ns('api:audit'));
    await life.start(component('audit-summary', () => undefined, () => refusals.stop()));
    await life.start(periodic('audit-retention', 3_600_000, () => store.audit.prune(now().log.auditKeepDays, now().log.auditMaxRows)));
    const accounts = new Accounts(store, sessions, bus, logger.ns('api:auth'), { refusals });
    await life.start(periodic('login-failures', 10 * 60_000, () => accounts.pruneLoginFailures()));
    // Every bounded queue reports here, for cmd/get-status (and the flood test).
    const load = new LoadGauges();
    load.set('store', () => store.db.queueStats());

    // ---- the configuration's history and editor (in a worker thread, started when first used) ----
    const editor = new EditClient({ env: o.env, log: logger.ns('config') });
    await life.start(component('config-editor', () => undefined, () => editor.close()));

    // ---- the simulated parts, when asked for: each replaces a source below ----
    const sim = o.simulate.size ? new (await import('./sim/simulation.js')).Simulation(o.simulate, config, logger, life) : undefined;

    // ---- FreeSWITCH and the uplink to central ----
    const eslPassword = eslPasswordOf(config, secrets);
    const configuredFs = { host: config.freeswitch.host, port: config.freeswitch.port };
    const fsTarget = sim ? await sim.freeswitch(eslPassword, configuredFs, simulatedFreeswitchFiles(config, secrets, log)) : configuredFs;
    const gateway = new FreeswitchGateway({ ...fsTarget, password: eslPassword, recordingsDir: join(dataDir, 'recordings') }, { store, health, bus, log: logger.ns('pbx') });
    await life.start(gateway);
    const simBrokers = sim && !config.uplink.brokers.length ? await sim.brokers([]) : undefined;
    // Without brokers of its own, a simulation keeps its embedded one whatever the configuration says later.
    const brokersOf = (c: Config) => (c.uplink.brokers.length || !simBrokers ? c.uplink.brokers : simBrokers);
    const brokers = brokersOf(config);
    const simCentralKeys = sim ? await sim.centralKeys(config.uplink.brokers) : [];
    const uplink = new UplinkClient(uplinkOptionsFrom(config, VERSION, brokers, simCentralKeys), { store, health, bus, log: logger.ns('uplink'), load: () => load.snapshot() });
    const notify = () => uplink.notify();
    const offNotify = [bus.on('call', notify), bus.on('alarm', notify)];
    const faults = new FaultBook({ store, bus, log: logger.ns('alarms:faults'), notify });
    // The store can fail under us (a full disk, a failing card): a write probe says so in health, and
    // what the alarm service could not write meanwhile is held (in the reserve file) until it can.
    const held = new HeldAlarms({ dataDir: config.dataDir, store, faults, log: logger.ns('alarms:held'), notify });
    const storeWatch = new StoreWatch({ store, health, held, log: logger.ns('store'), okDetail: storeOk, okPhrase: phrase('health.store.ok', { schema: LATEST_SCHEMA }) });
    await life.start(storeWatch);

    // ---- the board, the lines, the alarm service ----
    // A missing chip or GPIO is a fault in health, never a crash; a point on an input the board lacks is a refusal.
    const checked = await boardProblems(config);
    if (!checked.profile || checked.problems.length) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    const profile = checked.profile;
    const board = new Board(profile, sim ? sim.deviceFactory(profile) : new RealDeviceFactory(), { log: logger.ns('hardware') });
    const realPorts = hardwareSerialPorts(logger);
    const points = () => now().points;
    // The alarm service asks the lines about the GSM trunk; SMS commands acknowledge alarms.
    // eslint-disable-next-line prefer-const -- assigned once the alarm service exists
    let alarms: AlarmService | undefined;
    const lines = new LinesService(holder, { store, bus, faults, health, alarms: () => alarms, logger, notify, ports: sim ? sim.serialPorts(realPorts) : realPorts });
    const pbx = withGsmTrunk(gateway, () => lines.gsmTrunk());
    const outputs = boardOutputs(board, profile, points, logger.ns('alarms:outputs'));
    alarms = new AlarmService({ config: holder, store, pbx, outputs, bus, log: logger.ns('alarms'), held, storeFailed: (err) => storeWatch.failed(err) });
    const walkTest = new WalkTest({ config: holder, store, bus, outputs, log: logger.ns('alarms:walk-test'), notify });
    const supervision = new Supervision({ config: holder, faults, health, pbx: gateway, uplink: brokers.length ? uplink : undefined, board, log: logger.ns('alarms:supervision') });
    const inputs = new PointInputs(points, alarms, logger.ns('hardware'), walkTest);
    const monitor = new BoardMonitor({ board, profile, points, bus, health });
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
    await life.start(component('walk-test', () => walkTest.start(), () => walkTest.stop()));
    await life.start(lines);
    // Routing: FreeSWITCH asks it for every call (mod_xml_curl); trunks' state from the gateway and the lines.
    const routing = new RoutingService({ config, store, bus, log: logger.ns('routing'), pbx: gateway, lines: () => lines.view(), faults, notify });
    await life.start(routing);
    // The dispatch desk: calls a route parked in a queue, offered to agents (always running: queues may be added live).
    const desk = new AcdService({ config, store, bus, log: logger.ns('desk'), pbx: gateway });
    await life.start(desk);
    const selfTest = new SelfTest({ points, store, bus, log: logger.ns('alarms:self-test'), notify, faults }, { pbx });
    await life.start(component('self-test', () => selfTest.start(), () => selfTest.stop()));

    // ---- the admin UI and API (restarted in-process when its listener changes) ----
    const linesApi = {
      view: () => lines.view(),
      queueSms: (to: string, text: string, opts: { tag?: string }, modemId?: string) => lines.queueSms(to, text, opts, modemId),
      ussd: (modemId: string, code: string) => lines.ussd(modemId, code),
      enterPin: (modemId: string, pin: string, by: string) => lines.enterPin(modemId, pin, by),
      testNow: (kind: 'modem' | 'card', id: string) => lines.testNow(kind, id),
    };
    const simApi = sim ? await sim.api(points, alarmService) : undefined;
    const maintenance: MaintenanceApi = {
      backup: (out) => createBackup({ dataDir, out, version: VERSION, site: config.site, node: config.node }),
      stageRestore: (file, by) => stageRestore(dataDir, file, by, { site: config.site, node: config.node }),
      pendingRestore: () => pendingRestore(dataDir),
      cancelRestore: () => cancelRestore(dataDir),
      uploadDir: dataDir,
      restart: (reason) => requestRestart(reason),
      supervised: !!o.supervised,
    };
    sim?.followPhones(() => now().phones);
    const health$ = healthRenderer(health);
    // eslint-disable-next-line prefer-const -- assigned once the live apply exists (it restarts this server)
    let configService: ConfigService | undefined;
    const serverFor = (http: Config['http']) => {
      const tls = !!http.tls;
      // A __Host- cookie must be Secure, and browsers drop Secure cookies set over
      // plain HTTP (except on localhost); on HTTP the prefix is impossible.
      const cookie: CookiePolicy = { name: tls ? '__Host-callpoint' : 'callpoint', secure: tls, maxAgeMs: http.sessionMaxHours * 3_600_000 };
      if (!tls && http.host !== '127.0.0.1' && http.host !== 'localhost')
        log.warn('the admin UI is served over plain HTTP on the network: passwords and the session cookie cross the wire unencrypted; configure http.tls');
      const app = createApp(
        { store, accounts, sessions, health, bus, log: logger.ns('api'), cookie, pbx: gateway, alarms: alarmService, selfTest, faults, board: monitor, lines: linesApi, sim: simApi, routing, desk, config: configService, walkTest, uplinkProbe: (draft) => probeUplink(draftSettings(draft, now().uplink)),
          refusals, load, phones: () => now().phones.map((p) => ({ number: p.number, name: p.name, zone: p.zone })), logs: logger.ring, maintenance, timeZone },
        { trustProxy: http.trustProxy, freeswitch: { config: holder, secrets: fsSecrets, log: logger.ns('api:freeswitch'), routing } },
      );
      const headers = capturedSecurityHeaders(cookie.secure);
      const gate = new RequestGate(cookie.name, headers, http.trustProxy);
      load.set('http', () => ({ ...gate.stats }));
      return new HttpServer(app, http, logger.ns('api:http'), healthFastPath(health$, headers), gate);
    };

    // ---- live configuration changes: what restarts in-process, what acts on a change ----
    const live = new LiveApply({
      holder,
      openAlarms: () => alarmService.openAlarms(),
      restarters: [
        // A modem may be carrying an emergency call or text: its port changes once no alarm is being called for.
        { name: 'the line services', keys: ['lines.modems', 'lines.lineCards'], whenIdle: true, restart: () => lines.restart() },
        { name: 'the uplink to central', keys: ['uplink'], whenIdle: false, restart: (next) => uplink.restart(uplinkOptionsFrom(next, VERSION, brokersOf(next), simCentralKeys)) },
        { name: 'the admin web server', keys: ['http.host', 'http.port', 'http.tls', 'http.trustProxy'], whenIdle: false, restart: (next) => admin.restart(next.http) },
      ],
      steps: [
        {
          name: 'FreeSWITCH',
          keys: ['phones', 'points'],
          apply: async () => {
            sim?.configChanged();
            // The directory and dialplan come from Callpoint at each lookup; reloadxml drops what FreeSWITCH holds from its files.
            const r = await gateway.reloadXml();
            return r.ok ? { how: 'reloaded', detail: 'reloaded its XML (directory, dialplan); calls are not touched' } : { how: 'live', detail: `not reloaded (${r.message}); it reads the directory from Callpoint at its next lookup` };
          },
        },
        {
          // Routes, trunks, lists, schedules: the router is built again (calls in progress keep their route).
          name: 'routing',
          keys: ['routes', 'trunks', 'lists', 'schedules', 'calendars', 'numbering', 'zones', 'phones'],
          apply: async (next) => (await routing.reconfigure(next), { how: 'live', detail: 'the next call is routed by the new rules; calls in progress keep theirs' }),
        },
        {
          // Queues and agents: the next decision uses them; waiting calls keep their place.
          name: 'desk',
          keys: ['queues', 'phones', 'zones'],
          apply: async (next) => (desk.reconfigure(next), { how: 'live', detail: 'the queues decide by the new configuration; waiting calls keep their place' }),
        },
        { name: 'logging', keys: ['log.level', 'log.namespaces'], apply: async (next) => (logger.setLevels(next.log), { how: 'live', detail: `level ${next.log.level}` }) },
      ],
      changed: (pending) => bus.emit('config', { version: configService?.version ?? 0, pending }),
      log: logger.ns('config'),
    });
    // An alarm answered or cleared: a change that waited for it may go now.
    const offLive = bus.on('alarm', (a) => {
      if (a.state === 'acknowledged' || a.state === 'cleared') void live.reevaluate().catch((err: unknown) => log.error({ err }, 'configuration: a pending change failed'));
    });
    configService = new ConfigService({ store, editor, live, bus, log: logger.ns('config'), env: o.env, file: liveFile.path, check: async (c) => (await boardProblems(c, sameValue(c.board, config.board) ? profile : undefined)).problems });
    await configService.open(liveFile, { migratedFrom: parsed.migratedFrom });
    const admin = new AdminServer(serverFor, config.http);

    // Central's commands are registered before the uplink connects, so none is answered "unknown".
    const offCommands = [...registerAlarmCommands(uplink.registerCommand, alarmService, selfTest), ...registerPbxCommands(uplink.registerCommand, gateway, () => originateAllowList(now())), ...registerConfigCommands(uplink.registerCommand, configService), ...registerRoutingCommands(uplink.registerCommand, routing)];
    await life.start(component('uplink', () => uplink.start(), async () => {
      for (const off of [...offNotify, ...offCommands, offLive]) off();
      await uplink.stop();
    }));
    await life.start(component('supervision', () => supervision.start(), () => supervision.stop()));
    await life.start(admin);

    const tls = !!config.http.tls;
    const shownHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const base = `${tls ? 'https' : 'http'}://${shownHost}:${admin.port}`;
    let setupLink: string | undefined;
    if (await accounts.needsSetup()) {
      const issued = await issueSetupToken(store.settings, config.http.setupLinkMinutes * 60_000).catch((err: unknown) => {
        log.error({ err }, 'cannot store a setup link now (the database cannot be written); restart once it can');
        return undefined;
      });
      if (issued) {
        setupLink = `${base}/setup#token=${issued.token}`;
        log.warn({ expiresAt: issued.expiresAt }, `No administrator exists yet. Open this one-time link to create one (valid until ${issued.expiresAt}): ${setupLink}`);
        if (config.http.host === '0.0.0.0') log.warn('From a laptop, replace 127.0.0.1 in the link with the board’s address. Or run: callpoint user add NAME --role admin');
      }
    }

    // ---- systemd ----
    const watchdog = new Watchdog(notifier, { storeAlive: () => store.ping(1000) }, logger.ns('systemd'));
    await life.start(component('watchdog', () => watchdog.start(), () => watchdog.stop()));
    await notifier.send(`READY=1\nSTATUS=serving on ${base}\nMAINPID=${process.pid}`);
    log.info({ version: VERSION, site: config.site, node: config.node, url: base, simulate: sim?.description ?? 'none', configVersion: configService.version }, 'Callpoint is up');
    if (sim) printSimulationBanner(base, setupLink, dataDir, sim.description);

    let stopping: Promise<boolean> | undefined;
    return {
      restartRequested,
      http: admin,
      store,
      notifier,
      gateway,
      config: configService,
      alarms: alarmService,
      walkTest,
      board: monitor,
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
