// The routing endpoints (daemon/src/api/routes/routing.ts): the view (trunks,
// night mode, lists, schedules), the route tester, night mode, list entries.
import { request } from '../api';
import type { AddListEntryBody, ListEntryView, NightModeState, RouteDecision, RouteTestBody, RoutingView } from '../types';
import type { NightMode } from '../../../daemon/src/contracts/values.js';

const enc = encodeURIComponent;

export const getRouting = () => request<RoutingView>('GET', '/api/routing');
export const testRoute = (body: RouteTestBody) => request<RouteDecision>('POST', '/api/routing/test', { body });
export const setNightMode = (mode: NightMode) => request<NightModeState>('PUT', '/api/routing/night', { body: { mode } });
export const listEntries = (list: string) => request<{ entries: ListEntryView[] }>('GET', `/api/routing/lists/${enc(list)}/entries`);
export const addListEntry = (list: string, body: AddListEntryBody) => request<ListEntryView>('POST', `/api/routing/lists/${enc(list)}/entries`, { body });
export const removeListEntry = (list: string, id: number) => request<void>('DELETE', `/api/routing/lists/${enc(list)}/entries/${id}`);
export const listCsvUrl = (list: string) => `/api/routing/lists/${enc(list)}/csv`;
export const importListCsv = (list: string, csv: string) =>
  request<{ added: number; skipped: number; problems: string[] }>('POST', `/api/routing/lists/${enc(list)}/import`, { raw: { data: csv, type: 'text/csv' }, timeoutMs: 60_000 });
