// Shapes of the appliance's JSON API (see web-ui/README.md).

export type Role = 'admin' | 'technician' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'technician', 'viewer'];

export type HealthStatus = 'ok' | 'degraded' | 'down';
export type ComponentStatus = HealthStatus | 'disabled';
export type ComponentName = 'freeswitch' | 'uplink' | 'store' | 'hardware' | 'gsm';
export const COMPONENTS: readonly ComponentName[] = ['freeswitch', 'uplink', 'store', 'hardware', 'gsm'];

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
