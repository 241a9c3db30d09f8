// The shapes of the appliance's API are the daemon's own wire contracts
// (daemon/src/contracts), imported type-only: renaming a field there breaks
// this build, and no validator is bundled. Plain values (role names, the
// components, number patterns) come from contracts/values.ts, which has no zod.
import type { CallPointView, Role, StreamEvents } from '../../daemon/src/contracts/index.js';
import { roleAtLeast } from '../../daemon/src/contracts/values.js';

export type {
  AddListEntryBody,
  Alarm,
  AlarmList,
  AlarmState,
  AuditEntry,
  AuditOutcome,
  AuditPage,
  BoardInventory,
  BoardSnapshot,
  CallFilters,
  CallPage,
  CallRecord,
  ChannelChange,
  ConfigApplied,
  ConfigApplyResult,
  ConfigConflict,
  ConfigDiffEntry,
  ConfigEvent,
  ConfigPending,
  ConfigPreview,
  ConfigVersionDetail,
  ConfigVersionEntry,
  AgentView,
  DeskEvent,
  DeskView,
  QueueView,
  WaitingCallView,
  ConfigVersionList,
  ConfigView,
  ChannelList,
  ComponentHealth,
  ComponentName,
  ComponentStatus,
  Direction,
  ErrorBody,
  Fault,
  FaultList,
  Health,
  HealthStatus,
  LineCardView,
  LineFault,
  LinePortView,
  LinesList,
  LinesView,
  ListEntryView,
  LiveChannel,
  LogLine,
  LogList,
  MaintenanceState,
  ModemView,
  NightModeState,
  PortKind,
  PortState,
  RegistrationList,
  RestartAnswer,
  RestoreStaged,
  Role,
  RouteDecision,
  RouteDestination,
  RouteTestBody,
  RoutingView,
  SelfTestResult,
  SelfTestStarted,
  Session,
  SessionUser,
  SimInputResult,
  SimPinResult,
  SipRegistration,
  Sms,
  SmsStatus,
  StagedRestore,
  StreamEvents,
  TraceStep,
  Treatment,
  Trunk,
  UplinkTestResult,
  UserRecord,
  WalkTestEvent,
  WalkTestPoint,
  WalkTestReport,
  WalkTestSession,
  WalkTestView,
} from '../../daemon/src/contracts/index.js';
export type { Phrase } from '../../daemon/src/contracts/phrases/render.js';
export { AUDIT_OUTCOMES, COMPONENTS, isOpenAlarm, PHONE_NUMBER_RE, ROLES, SECRET_MASK } from '../../daemon/src/contracts/values.js';

/** A configured call point, as GET /api/alarms lists it. */
export type CallPoint = CallPointView;

/** Listen to one event type; returns the unsubscribe function. */
export type Subscribe = <K extends keyof StreamEvents>(type: K, fn: (data: StreamEvents[K]) => void) => () => void;

export const canSeeUsers = (role: Role | undefined) => roleAtLeast(role, 'admin');
export const canSeeAudit = (role: Role | undefined) => roleAtLeast(role, 'technician');
/** The daemon's log (it names numbers, addresses and devices) and the SIP registrations: as the API allows. */
export const canSeeLogs = (role: Role | undefined) => roleAtLeast(role, 'technician');
export const canSeeRegistrations = (role: Role | undefined) => roleAtLeast(role, 'technician');
/** Backup, restore and restart of the appliance. */
export const canMaintain = (role: Role | undefined) => roleAtLeast(role, 'admin');
/** Acknowledge and clear alarms; simulation controls. */
export const canHandleAlarms = (role: Role | undefined) => roleAtLeast(role, 'technician');
/** Enter a SIM PIN (a secret that can block the SIM). */
export const canEnterPin = (role: Role | undefined) => roleAtLeast(role, 'admin');
/** Run self-tests, send test SMS and USSD codes. */
export const canTest = (role: Role | undefined) => roleAtLeast(role, 'technician');
export const canExportCalls = (role: Role | undefined) => roleAtLeast(role, 'technician');
/** The configuration pages: viewers read them (secrets as set/unset); what each may change, the schema says. */
export const canSeeConfig = (role: Role | undefined) => roleAtLeast(role, 'viewer');
/** Start and stop a commissioning walk test. */
export const canWalkTest = (role: Role | undefined) => roleAtLeast(role, 'technician');
/** Import a whole configuration file. */
/** The route tester, night mode and the lists' entries (GET /api/routing itself is for every role). */
export const canManageRouting = (role: Role | undefined) => roleAtLeast(role, 'technician');
export const canImportConfig = (role: Role | undefined) => roleAtLeast(role, 'admin');
