// fetch wrapper for the appliance API. Never throws: every call resolves to
// { ok: true, status, data } or { ok: false, status, error, body }.
// status 0 means no HTTP answer (error is then 'network' or 'timeout').
import type {
  Alarm,
  AlarmList,
  BoardSnapshot,
  CallFilters,
  CallPage,
  ChannelList,
  ErrorBody,
  FaultList,
  Health,
  LinesList,
  Role,
  Session,
  SimPinResult,
  SimInputResult,
  UserRecord,
} from './types';

export interface ApiOk<T> {
  ok: true;
  status: number;
  data: T;
}
export interface ApiErr {
  ok: false;
  status: number;
  /** Server's `error` text ('' if it gave none), or 'network' / 'timeout' when status is 0. */
  error: string;
  /** Parsed error body ({} if absent or not JSON) — e.g. retryAfterS, field. */
  body: Partial<ErrorBody>;
}
export type ApiResult<T> = ApiOk<T> | ApiErr;

interface RequestOptions {
  body?: unknown;
  /**
   * Whether a 401 means "the session is gone" (default true). Off for calls
   * where 401 means something else (login, setup, current-password check)
   * and for the initial session probe.
   */
  sessionRequired?: boolean;
  timeoutMs?: number;
  /** Extra request headers (If-Match on configuration writes). */
  headers?: Record<string, string>;
  /** A body sent as it is (a file to upload, a CSV import), with its Content-Type, instead of JSON. */
  raw?: { data: Blob | string; type: string };
}

const DEFAULT_TIMEOUT_MS = 15_000;

let csrfToken = '';
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token ?? '';
}

/** Called when an authenticated call answers 401 (App shows the login page). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  unauthorizedHandler = fn;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: RequestOptions = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.type;
    init.body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }

  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  let res: Response;
  let parsed: unknown;
  try {
    res = await fetch(path, { ...init, signal: ctrl.signal });
    const text = await res.text();
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined; // e.g. an HTML error page from a proxy
    }
  } catch {
    return { ok: false, status: 0, error: timedOut ? 'timeout' : 'network', body: {} };
  } finally {
    clearTimeout(timer);
  }

  if (res.ok) {
    // Login, setup and session answers carry the token for later writes.
    if (isObject(parsed) && typeof parsed.csrfToken === 'string') setCsrfToken(parsed.csrfToken);
    return { ok: true, status: res.status, data: parsed as T };
  }

  const body: Partial<ErrorBody> = isObject(parsed) ? parsed : {};
  if (res.status === 401 && opts.sessionRequired !== false) unauthorizedHandler?.();
  return {
    ok: false,
    status: res.status,
    error: typeof body.error === 'string' ? body.error : '',
    body,
  };
}

const enc = encodeURIComponent;

// ---- endpoints ----

export const getHealth = (timeoutMs?: number) => request<Health>('GET', '/api/health', { sessionRequired: false, timeoutMs });

export const getSession = () => request<Session>('GET', '/api/session', { sessionRequired: false });

export const login = (username: string, password: string) =>
  request<Session>('POST', '/api/login', { body: { username, password }, sessionRequired: false });

export const setup = (token: string, username: string, password: string) =>
  request<Session>('POST', '/api/setup', { body: { token, username, password }, sessionRequired: false });

export const logout = () => request<void>('POST', '/api/logout', { sessionRequired: false });

export const changePassword = (current: string, next: string) =>
  request<void>('POST', '/api/account/password', { body: { current, next }, sessionRequired: false });

export const listUsers = () => request<{ users: UserRecord[] }>('GET', '/api/users');

export const createUser = (username: string, password: string, role: Role) =>
  request<unknown>('POST', '/api/users', { body: { username, password, role } });

export const updateUser = (username: string, patch: { role?: Role; password?: string }) =>
  request<unknown>('PATCH', `/api/users/${enc(username)}`, { body: patch });

export const deleteUser = (username: string) => request<void>('DELETE', `/api/users/${enc(username)}`);

/** Query string of the set filters ('' when none), for /api/calls and /api/calls.csv. */
export function callQuery(f: CallFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f) as Array<[string, string]>) if (v) q.set(k, v);
  return q.toString();
}

export const searchCalls = (f: CallFilters, limit: number, before?: string | null) => {
  const q = new URLSearchParams(callQuery(f));
  q.set('limit', String(limit));
  if (before) q.set('before', before);
  return request<CallPage>('GET', `/api/calls?${q}`);
};

export const callsCsvUrl = (f: CallFilters) => {
  const q = callQuery(f);
  return q ? `/api/calls.csv?${q}` : '/api/calls.csv';
};

export const listChannels = () => request<ChannelList>('GET', '/api/channels');

export const listAlarms = () => request<AlarmList>('GET', '/api/alarms');

export const acknowledgeAlarm = (id: string) => request<Alarm>('POST', `/api/alarms/${enc(id)}/ack`);

export const clearAlarm = (id: string) => request<Alarm>('POST', `/api/alarms/${enc(id)}/clear`);

/** Simulation mode only: a press of the call point on `input`. */
export const simPress = (input: string) => request<Extract<SimInputResult, { ok: true }>>('POST', `/api/sim/inputs/${enc(input)}/press`);

/** Simulation mode only: a simulated phone presses keys on its current call. */
export const simPhoneKeys = (phone: string, digits: string) =>
  request<{ ok: boolean }>('POST', `/api/sim/phones/${enc(phone)}/dtmf`, { body: { digits } });

/** A self-test of one call point: a test alarm to central, nobody called (202; the outcome shows in listAlarms). */
export const testPoint = (pointId: string) => request<{ alarmId: string }>('POST', `/api/points/${enc(pointId)}/test`);

export const listFaults = () => request<FaultList>('GET', '/api/faults');

export const getBoard = () => request<BoardSnapshot>('GET', '/api/board');

/** 404 while the daemon has no lines support (or none is configured). */
export const getLines = () => request<LinesList>('GET', '/api/lines');

/** A test SMS from one modem (202 { id }; its progress comes as `sms` events). */
export const sendTestSms = (modem: string, to: string, text: string) =>
  request<{ id: number }>('POST', `/api/lines/modems/${enc(modem)}/sms`, { body: { to, text } });

/** An admin's SIM PIN for a modem: entered at once; the answer says whether the SIM took it (never the PIN). */
export const enterSimPin = (modem: string, pin: string) =>
  request<SimPinResult>('POST', `/api/lines/modems/${enc(modem)}/pin`, { body: { pin }, timeoutMs: 30_000 });

/** A USSD code (e.g. the balance); the network can take a while to answer. */
export const sendUssd = (modem: string, code: string) =>
  request<{ text: string }>('POST', `/api/lines/modems/${enc(modem)}/ussd`, { body: { code }, timeoutMs: 45_000 });
