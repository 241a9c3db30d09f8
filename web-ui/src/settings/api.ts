// The configuration and walk-test endpoints (README "The configuration API").
// Writes carry the version they were made on (If-Match); a 409 answers with
// what changed meanwhile.
import { request } from '../api';
import type {
  ConfigApplyResult,
  ConfigPreview,
  ConfigVersionDetail,
  ConfigVersionList,
  ConfigView,
  LinesView,
  UplinkTestResult,
  WalkTestReport,
  WalkTestSession,
  WalkTestView,
} from '../types';
import type { SchemaNode, Written } from './schema';

const enc = encodeURIComponent;
const match = (version: number) => ({ 'If-Match': `"${version}"` });

export const getConfig = () => request<ConfigView>('GET', '/api/config');
export const getSchema = () => request<SchemaNode>('GET', '/api/config/schema');
export const previewConfig = (config: Written) => request<ConfigPreview>('POST', '/api/config/preview', { body: { config }, timeoutMs: 30_000 });
export const putConfig = (version: number, config: Written, reason?: string) =>
  request<ConfigApplyResult>('PUT', '/api/config', { body: { config, ...(reason ? { reason } : {}) }, headers: match(version), timeoutMs: 30_000 });
export const putEntry = (version: number, list: string, id: string, entry: Written, reason?: string) =>
  request<ConfigApplyResult>('PUT', `/api/config/entries/${enc(list)}/${enc(id)}`, { body: { entry, ...(reason ? { reason } : {}) }, headers: match(version), timeoutMs: 30_000 });
export const deleteEntry = (version: number, list: string, id: string) =>
  request<ConfigApplyResult>('DELETE', `/api/config/entries/${enc(list)}/${enc(id)}`, { body: {}, headers: match(version), timeoutMs: 30_000 });
export const listVersions = () => request<ConfigVersionList>('GET', '/api/config/versions');
export const versionDetail = (v: number) => request<ConfigVersionDetail>('GET', `/api/config/versions/${v}`);
export const restoreVersion = (v: number, reason?: string) =>
  request<ConfigApplyResult>('POST', `/api/config/versions/${v}/restore`, { body: reason ? { reason } : {}, timeoutMs: 30_000 });
export const importConfig = (version: number, text: string, reason?: string) =>
  request<ConfigApplyResult>('POST', '/api/config/import', { body: { text, ...(reason ? { reason } : {}) }, headers: match(version), timeoutMs: 30_000 });
export const exportUrl = '/api/config/export';
export const testUplink = (uplink: Written) => request<UplinkTestResult>('POST', '/api/config/uplink-test', { body: { uplink }, timeoutMs: 60_000 });
export const testLine = (what: 'modems' | 'line-cards', id: string) => request<LinesView>('POST', `/api/lines/${what}/${enc(id)}/test`, { timeoutMs: 30_000 });

export const getWalkTest = () => request<WalkTestView>('GET', '/api/walk-test');
export const startWalkTest = (zones: string[] | null, minutes: number) => request<WalkTestSession>('POST', '/api/walk-test/start', { body: { zones, minutes } });
export const stopWalkTest = () => request<WalkTestSession>('POST', '/api/walk-test/stop');
export const walkTestReport = (id: number) => request<WalkTestReport>('GET', `/api/walk-test/${id}/report`);
