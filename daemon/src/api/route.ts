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
import type { Role } from '../store/users-repo.js';
import type { LiveChannel } from '../pbx/live-channels.js';
import type { AlarmService } from '../alarms/alarm-service.js';
import type { SelfTest } from '../alarms/self-test.js';
import type { FaultBook } from '../alarms/faults.js';
import type { LinesApi } from './routes/lines.js';
import type { BoardSnapshot } from '../alarms/board-view.js';

export type SimInputResult = { ok: true; input: string; alarmId?: string } | { ok: false; error: string };

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
  simulate: boolean;
  /** The alarm service, when call points are configured. */
  alarms?: AlarmService;
  selfTest?: SelfTest;
  /** Supervision faults. */
  faults?: FaultBook;
  /** GSM modems and line cards, when configured. */
  lines?: LinesApi;
  /** The board's inputs, outputs and devices. */
  board?: { snapshot(): BoardSnapshot };
  /** Simulation mode only: drive simulated inputs. */
  /** Simulation mode: the token `callpoint sim press` reads from the data directory. */
  simToken?: string;
  simInputs?: { press(id: string): Promise<SimInputResult>; release(id: string): Promise<SimInputResult>; phoneKeys(phone: string, digits: string): SimInputResult };
  /** The FreeSWITCH gateway's live view, when it runs. */
  pbx?: { channels: { list(): LiveChannel[] }; connected: boolean };
}

export interface CookiePolicy {
  name: string;
  secure: boolean;
  maxAgeMs: number;
}

export const isMutating = (m: Method) => m !== 'get';
