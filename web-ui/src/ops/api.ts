// The operations pages' calls to the appliance (log, SIP registrations, audit
// search, backup, restore, restart): in their own chunk with the pages.
import { request } from '../api';
import type { AuditOutcome, AuditPage, LogList, MaintenanceState, RegistrationList, RestartAnswer, RestoreStaged } from '../types';

/** The log viewer's filters the API applies (the text filter is the page's own). */
export interface LogFilters {
  level: string;
  ns: string;
}

function query(pairs: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(pairs)) if (v !== '' && v != null) q.set(k, String(v));
  return q.toString();
}

const withQuery = (path: string, q: string) => (q ? `${path}?${q}` : path);

export const getLogs = (f: LogFilters, limit: number) => request<LogList>('GET', withQuery('/api/logs', query({ level: f.level, ns: f.ns, limit })));

/** The stream of new lines, from the line after `after` on: nothing logged in between is missed. */
export const logStreamUrl = (f: LogFilters, after: number) => withQuery('/api/logs/stream', query({ level: f.level, ns: f.ns, after }));

export const getRegistrations = () => request<RegistrationList>('GET', '/api/registrations');

/** The audit search as the API takes it (times ISO-8601 UTC; '' = not filtered). */
export interface AuditFilters {
  q: string;
  user: string;
  action: string;
  outcome: '' | AuditOutcome;
  from: string;
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { q: '', user: '', action: '', outcome: '', from: '', to: '' };

/** The set filters as a query string ('' when none): for the API, the CSV link and the page's address. */
export const auditQuery = (f: AuditFilters) => query({ ...f });

export const searchAudit = (f: AuditFilters, limit: number, before?: number | null) =>
  request<AuditPage>('GET', `/api/audit?${query({ ...f, limit, before })}`);

export const auditCsvUrl = (f: AuditFilters) => withQuery('/api/audit.csv', auditQuery(f));

export const getMaintenance = () => request<MaintenanceState>('GET', '/api/maintenance');

export const BACKUP_URL = '/api/backup';

/** The backup file itself as the body; checked at once, staged for the next start (202), or refused naming why (400). */
export const uploadRestore = (file: Blob) =>
  request<RestoreStaged>('POST', '/api/backup/restore', { raw: { data: file, type: 'application/octet-stream' }, timeoutMs: 30 * 60_000 });

export const cancelRestore = () => request<void>('DELETE', '/api/backup/restore');

export const restartDaemon = (reason: string) => request<RestartAnswer>('POST', '/api/daemon/restart', { body: reason ? { reason } : {} });
