// The declarative route table: every API route says who may call it and what
// it is called in the audit log. The app wires middleware from it, and the
// security tests walk it, so a new route cannot forget its access rule.
import type { Request, Response } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import type { Actor } from '../accounts/actor.js';
import type { ActiveSession, Sessions } from '../accounts/sessions.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { LoadGauges } from '../health/load.js';
import type { Logger } from '../log/logger.js';
import type { AuditSummary } from '../store/audit-summary.js';
import type { Store } from '../store/store.js';
import type { Role } from '../contracts/accounts.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { AlarmService } from '../alarms/alarm-service.js';
import type { SelfTest } from '../alarms/self-test.js';
import type { WalkTest } from '../alarms/walk-test.js';
import type { FaultBook } from '../alarms/faults.js';
import type { LineFault, LinesView, ModemView, PortAction, SimCardAction, SimNetworkRegistration } from '../contracts/lines.js';
import type { BoardSnapshot } from '../contracts/board.js';
import type { SipRegistration } from '../contracts/registrations.js';
import type { LogRing } from '../log/log-ring.js';
import type { CommandOutcome } from '../pbx/gateway.js';
import type { Manifest } from '../store/backup.js';
import type { StagedRestore } from '../store/restore-staging.js';
import type { ConfigService } from '../config/service.js';
import type { UplinkTestBody, UplinkTestResult } from '../contracts/config.js';
import type { RoutingService } from '../routing/routing-service.js';
import type { AcdService } from '../desk/acd-service.js';

import type { SimInputResult } from '../contracts/alarms.js';
export type { SimInputResult } from '../contracts/alarms.js';

/** The line services as the routes use them. */
export interface LinesApi {
  view(): LinesView;
  queueSms(to: string, text: string, o: { tag?: string }, modemId?: string): Promise<{ ok: true; id: number } | { ok: false; error: string }>;
  ussd(modemId: string, code: string): Promise<{ ok: true; text: string } | { ok: false; error: string }>;
  /** "Test now": the device asked at once; its view afterwards. */
  testNow(kind: 'modem' | 'card', id: string): Promise<{ ok: true; view: LinesView } | { ok: false; error: string }>;
  /** A person's SIM PIN: stored, entered at once; how the SIM took it. */
  enterPin(modemId: string, pin: string, by: string): Promise<{ ok: true; iccid: string | null; checked: boolean; sim: ModemView['sim']; faults: LineFault[] } | { ok: false; error: string }>;
}

/** Simulated line devices, driven by hand: an SMS arriving, a line-card port changing. */
export interface SimLinesApi {
  smsIn(modemId: string, from: string, text: string, order?: number[]): { ok: true; slots: number[] } | { ok: false; error: string };
  port(cardId: string, port: number, action: PortAction): { ok: true } | { ok: false; error: string };
  /** What the simulated network received from the modem: to, text, parts. */
  sent(modemId: string): Array<{ to: string; text: string; parts: number }> | undefined;
  /** Another SIM card, or the same one locked: its state, PIN and ICCID. */
  card(modemId: string, card: { state: SimCardAction; pin?: string; iccid?: string }): { ok: true } | { ok: false; error: string };
  /** The network as the simulated modem sees it. */
  network(modemId: string, n: { registration?: SimNetworkRegistration; rssi?: number }): { ok: true } | { ok: false; error: string };
}

/** Simulation mode: the parts that can be driven from the UI, the API and `callpoint sim`. */
export interface SimApi {
  /** The token `callpoint sim press` reads from the data directory (a header no web page can send). */
  token: string;
  /** A simulated board: press and release call-point inputs. */
  inputs?: { press(id: string): Promise<SimInputResult>; release(id: string): Promise<SimInputResult> };
  /** The FreeSWITCH emulator's phones: press keys on a phone's current call. */
  phones?: { keys(phone: string, digits: string): SimInputResult };
  /** Simulated modems and line cards. */
  lines?: SimLinesApi;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * public: no session (health, login, setup — setup is authorised by its one-time token);
 * session: any logged-in user acting on their own session (logout, own password, the event stream);
 * a role: that role or higher.
 */
export type Access = 'public' | 'session' | Role;

export interface RequestContext {
  actor: Actor;
  session: ActiveSession | null;
  ip: string;
}

export interface RouteDef {
  method: Method;
  path: string;
  access: Access;
  /** Name in the audit log for a mutating route. */
  action?: string;
  handler(req: Request, res: Response, ctx: RequestContext): Promise<void> | void;
}

export interface ApiDeps {
  store: Store;
  accounts: Accounts;
  sessions: Sessions;
  health: HealthRegistry;
  bus: EventBus;
  log: Logger;
  cookie: CookiePolicy;
  /** The alarm service, when call points are configured. */
  alarms?: AlarmService;
  selfTest?: SelfTest;
  /** Supervision faults. */
  faults?: FaultBook;
  /** GSM modems and line cards, when configured. */
  lines?: LinesApi;
  /** The board's inputs, outputs and devices. */
  board?: { snapshot(): BoardSnapshot };
  /** Simulation mode only: what can be driven by hand (the parts that are simulated). */
  sim?: SimApi;
  /** Where refusals are audited under a flood (one row per kind and minute). */
  refusals?: AuditSummary;
  /** Where bounded queues report their figures (get-status). */
  load?: LoadGauges;
  /** The commissioning walk test. */
  walkTest?: WalkTest;
  /** The configuration: read, preview, apply, versions. */
  config?: ConfigService;
  /** "Test connection" with uplink settings being edited (nothing of the running uplink changes). */
  uplinkProbe?: (draft: UplinkTestBody['uplink']) => Promise<UplinkTestResult['results']>;
  /** Routing: trunks, night mode, the route tester, the black/white lists. */
  routing?: Pick<RoutingService, 'view' | 'test' | 'setNightMode' | 'lists'>;
  /** The dispatch desk: ACD queues and agents, when queues are configured. */
  desk?: Pick<AcdService, 'view' | 'agentAction' | 'authorise'>;
  /** The FreeSWITCH gateway's live view, when it runs. */
  pbx?: { channels: { list(): LiveChannel[] }; connected: boolean; registrations(): Promise<CommandOutcome<SipRegistration[]>> };
  /** The phones of the configuration (for the registrations page). */
  phones?: () => Array<{ number: string; name: string; zone: string }>;
  /** The recent log lines (the log viewer). */
  logs?: LogRing;
  /** Backups, restores and restarts (admins). */
  maintenance?: MaintenanceApi;
  /** The site's time zone (IANA), for times in exports and file names. */
  timeZone?: string;
}

/** The daemon's own upkeep as the admin routes use it. */
export interface MaintenanceApi {
  /** A consistent backup of the database written to `out`. */
  backup(out: string): Promise<Manifest>;
  /** Verify an uploaded backup (at `file`, in the data directory) and stage it for the next start. */
  stageRestore(file: string, by: string): Promise<StagedRestore>;
  pendingRestore(): Promise<StagedRestore | null>;
  cancelRestore(): Promise<void>;
  /** Where uploads are written (the data directory: a staged file is renamed into place). */
  uploadDir: string;
  /** Stop and start again (under systemd: exit for it to restart us). */
  restart(reason: string): void;
  /** Run by systemd (which restarts the process), or by hand (the daemon restarts itself in the same process). */
  supervised: boolean;
}

export interface CookiePolicy {
  name: string;
  secure: boolean;
  maxAgeMs: number;
}

export const isMutating = (m: Method) => m !== 'get';
