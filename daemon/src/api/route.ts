// The declarative route table: every API route says who may call it and what
// it is called in the audit log. The app wires middleware from it, and the
// security tests walk it, so a new route cannot forget its access rule.
import type { Request, Response } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import type { Actor } from '../accounts/actor.js';
import type { ActiveSession, Sessions } from '../accounts/sessions.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { Role } from '../contracts/accounts.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { AlarmService } from '../alarms/alarm-service.js';
import type { SelfTest } from '../alarms/self-test.js';
import type { FaultBook } from '../alarms/faults.js';
import type { LineFault, LinesView, ModemView, PortAction, SimCardAction, SimNetworkRegistration } from '../contracts/lines.js';
import type { BoardSnapshot } from '../contracts/board.js';
import type { RoutingService } from '../routing/routing-service.js';

import type { SimInputResult } from '../contracts/alarms.js';
export type { SimInputResult } from '../contracts/alarms.js';

/** The line services as the routes use them. */
export interface LinesApi {
  view(): LinesView;
  queueSms(to: string, text: string, o: { tag?: string }, modemId?: string): Promise<{ ok: true; id: number } | { ok: false; error: string }>;
  ussd(modemId: string, code: string): Promise<{ ok: true; text: string } | { ok: false; error: string }>;
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
  /** Routing: trunks, night mode, the route tester, the black/white lists. */
  routing?: Pick<RoutingService, 'view' | 'test' | 'setNightMode' | 'lists'>;
  /** The FreeSWITCH gateway's live view, when it runs. */
  pbx?: { channels: { list(): LiveChannel[] }; connected: boolean };
}

export interface CookiePolicy {
  name: string;
  secure: boolean;
  maxAgeMs: number;
}

export const isMutating = (m: Method) => m !== 'get';
