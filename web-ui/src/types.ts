// Shapes of the appliance's JSON API (see web-ui/README.md).

export type Role = 'admin' | 'technician' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'technician', 'viewer'];

export type HealthStatus = 'ok' | 'degraded' | 'down';
export type ComponentStatus = HealthStatus | 'disabled';
export type ComponentName = 'freeswitch' | 'uplink' | 'store' | 'hardware' | 'gsm' | 'lines';
export const COMPONENTS: readonly ComponentName[] = ['freeswitch', 'uplink', 'store', 'hardware', 'gsm', 'lines'];

export interface ComponentHealth {
  status: ComponentStatus;
  detail: string;
}

export interface SystemReadings {
  cpuLoad: number | null;
  memUsedPct: number | null;
  diskFreePct: number | null;
  tempC: number | null;
}

export interface Health {
  status: HealthStatus;
  version: string;
  uptimeS: number;
  site: string;
  node: string;
  components: Partial<Record<ComponentName, ComponentHealth>>;
  system: SystemReadings;
}

export interface SessionUser {
  username: string;
  role: Role;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface UserRecord {
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  locked: boolean;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  id: number | string;
  ts: string;
  username: string | null;
  ip: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | string | null;
}

export type Direction = 'inbound' | 'outbound';
export type Trunk = 'sip' | 'fxs' | 'fxo' | 'gsm' | 'loopback' | 'other';

/** One finished call (GET /api/calls, SSE `call`). Times are ISO-8601 UTC. */
export interface CallRecord {
  uuid: string;
  direction: Direction;
  callerNumber: string | null;
  callerName: string | null;
  calleeNumber: string | null;
  calleeName: string | null;
  zone: string | null;
  trunk: Trunk;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string;
  durationS: number;
  billsecS: number;
  hangupCause: string | null;
  recordingPath: string | null;
  alarmId: string | null;
  /** The end was not seen (FreeSWITCH unreachable); end time and cause are estimates. */
  recovered: boolean;
}

export interface CallPage {
  calls: CallRecord[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/** Search filters as the API takes them ('' = not set; from/to ISO-8601 UTC). */
export interface CallFilters {
  number: string;
  from: string;
  to: string;
  cause: string;
  direction: '' | Direction;
  zone: string;
}

/** A channel up in FreeSWITCH now (GET /api/channels, SSE `channel`). */
export interface LiveChannel {
  uuid: string;
  direction: Direction;
  name: string;
  state: string;
  callState: string;
  callerNumber: string | null;
  callerName: string | null;
  calleeNumber: string | null;
  createdAt: string;
  answeredAt: string | null;
  bridgedTo: string | null;
  held: boolean;
  recording: string | null;
  zone: string | null;
  alarmId: string | null;
  trunk: Trunk;
}

export interface ChannelList {
  channels: LiveChannel[];
  connected: boolean;
}

/** SSE `channel`: channel null means it is gone. */
export interface ChannelChange {
  uuid: string;
  channel: LiveChannel | null;
}

export type AlarmState = 'raised' | 'calling' | 'connected' | 'acknowledged' | 'cleared' | 'failed' | 'test';
export type AckSource = 'dtmf' | 'central' | 'ui' | 'sms';
export type ClearSource = 'point' | 'ui' | 'central' | 'self-test';

/** One emergency alarm (GET /api/alarms, SSE `alarm`). Times are ISO-8601 UTC. */
export interface Alarm {
  /** e.g. A-20261125-3 */
  id: string;
  pointId: string;
  zone: string;
  state: AlarmState;
  test: boolean;
  raisedAt: string;
  updatedAt: string;
  presses: number;
  attempts: number;
  /** Whom it is calling now, e.g. "extension 8000". */
  target: string | null;
  callUuid: string | null;
  connectedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackSource: AckSource | null;
  clearedAt: string | null;
  clearedBy: string | null;
  clearSource: ClearSource | null;
}

/** A configured call point. */
export interface CallPoint {
  id: string;
  label: string;
  location: string;
  zone: string;
  /** Input name (used by the simulation routes). */
  input: string;
}

export interface AlarmList {
  open: Alarm[];
  recent: Alarm[];
  points: CallPoint[];
  /** Simulation mode: the simulated dispatch desk and the key that acknowledges; null on a real installation. */
  simulation: { dispatcher: string; ackDigit: string } | null;
  /** The last self-test (any point, any source); null before the first. */
  selfTest?: SelfTestResult | null;
}

export type SelfTestSource = 'periodic' | 'technician' | 'central';

/** The last self-test: a test alarm sent to central without calling anyone. */
export interface SelfTestResult {
  alarmId: string;
  pointId: string;
  source: SelfTestSource | string;
  startedAt: string;
  /** true passed, false failed, null still waiting for central's broker. */
  ok: boolean | null;
  /** From the daemon, in English. */
  detail: string;
}

/** A supervision fault (GET /api/faults, SSE `fault`): open while clearedAt is null. */
export interface Fault {
  id: number;
  key: string;
  /** hardware, freeswitch, phone, uplink, self-test, gsm, line-card, … */
  source: string;
  code: string;
  subject: string | null;
  /** From the daemon, in English. */
  detail: string;
  raisedAt: string;
  clearedAt: string | null;
}

export interface FaultList {
  open: Fault[];
  recent: Fault[];
}

/** GET /api/board, SSE `board` (the whole snapshot on each change). */
export interface BoardSnapshot {
  name: string;
  inputs: Array<{ id: string; point: string | null; label: string | null; source: string; pressed: boolean }>;
  outputs: Array<{ id: string; role: string; point: string | null; mode: 'on' | 'off' | 'flash' | string; on: boolean }>;
  /** `since`: ms since the epoch of the last status change. */
  devices: Array<{ id: string; status: 'starting' | 'ok' | 'fault' | 'stopped' | string; detail: string; since: number }>;
  temperatures: Record<string, number | null>;
}

// ---- lines (mirrors daemon/src/lines/view.ts) ----

export interface LineFault {
  code: string;
  detail: string;
}

export interface ModemView {
  id: string;
  /** Serial device, e.g. /dev/ttyUSB2. */
  port: string;
  state: 'starting' | 'ready' | 'fault' | 'stopped';
  sim: 'ready' | 'pin' | 'puk' | 'absent' | 'unknown';
  registration: 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered' | 'unknown';
  operator: string | null;
  /** 27.007 +CSQ rssi (0–31, 99 unknown). */
  rssi: number | null;
  dbm: number | null;
  /** 0–5. */
  bars: number;
  imei: string | null;
  iccid: string | null;
  imsi: string | null;
  /** The failover trunk: can a GSM call be placed now; the voice call state. */
  trunk: { available: boolean; call: 'idle' | 'ringing' | 'in-call'; number: string | null };
  faults: LineFault[];
  /** ms since epoch of the last state change. */
  since: number;
  /** Where the SIM PIN comes from (never the PIN). Absent from older daemons. */
  pin?: { entered: { by: string; at: string } | null; configured: boolean };
}

/** POST /api/lines/modems/:id/pin: how the SIM took the PIN (`checked` false: stored, the modem was busy). */
export interface SimPinResult {
  sim: ModemView['sim'];
  faults: LineFault[];
  checked?: boolean;
}

export type PortKind = 'fxs' | 'fxo';
export type PortState = 'on-hook' | 'off-hook' | 'ringing' | 'idle' | 'in-use' | 'no-line' | 'unknown';

export interface LinePortView {
  n: number;
  kind: PortKind;
  state: PortState;
  /** FXS: loop battery present. */
  battery: boolean | null;
  /** FXO: tip-ring voltage. */
  voltage: number | null;
  faults: LineFault[];
}

export interface LineCardView {
  id: string;
  port: string;
  status: 'starting' | 'ok' | 'fault' | 'stopped';
  detail: string;
  model: string | null;
  firmware: string | null;
  ports: LinePortView[];
}

/** SSE `lines`: every modem and line card, on each change. */
export interface LinesView {
  modems: ModemView[];
  lineCards: LineCardView[];
}

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'received' | 'ignored' | 'handled';

/** One SMS in or out (GET /api/lines `sms`, SSE `sms`). */
export interface Sms {
  id: number;
  direction: 'in' | 'out';
  modem: string;
  peer: string;
  text: string;
  status: SmsStatus;
  alarmId: string | null;
  /** The network's message references (out). */
  refs: number[];
  detail: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/lines: SMS newest first, at most 50. */
export interface LinesList extends LinesView {
  sms: Sms[];
}

/** POST /api/sim/inputs/:input/press */
export interface SimPressResult {
  ok: boolean;
  input: string;
  alarmId?: string;
}

/** Event-stream types pages can listen to, with their data. */
export interface StreamEvents {
  audit: AuditEntry;
  call: CallRecord;
  channel: ChannelChange;
  alarm: Alarm;
  fault: Fault;
  board: BoardSnapshot;
  lines: LinesView;
  sms: Sms;
}

/** Listen to one event type; returns the unsubscribe function. */
export type Subscribe = <K extends keyof StreamEvents>(type: K, fn: (data: StreamEvents[K]) => void) => () => void;

/** Error bodies: always { error }, sometimes more. */
export interface ErrorBody {
  error?: string;
  retryAfterS?: number;
  field?: string;
}

export function canSeeUsers(role: Role | undefined): boolean {
  return role === 'admin';
}

export function canSeeAudit(role: Role | undefined): boolean {
  return role === 'admin' || role === 'technician';
}

/** Acknowledge and clear alarms; simulation controls. */
export function canHandleAlarms(role: Role | undefined): boolean {
  return role === 'admin' || role === 'technician';
}

/** Enter a SIM PIN (a secret that can block the SIM). */
export function canEnterPin(role: Role | undefined): boolean {
  return role === 'admin';
}

/** Run self-tests, send test SMS and USSD codes. */
export function canTest(role: Role | undefined): boolean {
  return role === 'admin' || role === 'technician';
}

export function canExportCalls(role: Role | undefined): boolean {
  return role === 'admin' || role === 'technician';
}
