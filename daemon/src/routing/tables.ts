// The configuration compiled for the router: phones and zones by id, the
// rules in order with their matchers, trunks, lists indexed, schedules with
// their calendars. Built once at start (and again when the configuration or
// a list changes); the router only reads it.
import type { Config, DestinationConfig, ListConfig, RouteRuleConfig, TrunkConfig, ZoneConfig } from '../config/schema.js';
import type { CallClass } from '../contracts/values.js';
import { NumberIndex, type IndexEntry } from './number-index.js';
import { NumberingPlan } from './numbering.js';
import { CompiledSchedule } from './schedules.js';

export interface CompiledZone {
  id: string;
  dispatch: boolean;
  permissions: ReadonlySet<CallClass>;
  night: { schedule: string; permissions: ReadonlySet<CallClass> } | null;
  allow: NumberIndex;
  deny: NumberIndex;
  callerId: string | null;
}

export interface CompiledRule {
  rule: RouteRuleConfig;
  /** Why the number does not match, or null when it does. */
  misses: (dialled: string, classOf: () => CallClass | null) => string | null;
}

export interface CompiledList {
  list: ListConfig;
  trunks: ReadonlySet<string>;
  zones: ReadonlySet<string>;
  index: NumberIndex;
}

/** A runtime list entry (added in the UI, kept in the database). */
export interface RuntimeListEntry {
  id: number;
  list: string;
  number: string | null;
  prefix: string | null;
  reason: string | null;
  expires: string | null;
}

export interface RoutingTables {
  plan: NumberingPlan;
  config: Config;
  emergency: ReadonlySet<string>;
  phones: ReadonlyMap<string, { number: string; zone: string }>;
  zones: ReadonlyMap<string, CompiledZone>;
  rules: readonly CompiledRule[];
  trunks: ReadonlyMap<string, TrunkConfig>;
  /** Trunks for emergency numbers, in order. */
  emergencyTrunks: readonly string[];
  /** The phones of dispatch zones (the dispatch number rings them; emergency calls fall back to them). */
  dispatchPhones: readonly string[];
  lists: readonly CompiledList[];
  schedules: ReadonlyMap<string, CompiledSchedule>;
}

function matcher(rule: RouteRuleConfig): CompiledRule['misses'] {
  const m = rule.match;
  return (d, classOf) => {
    if (m.number !== undefined && d !== m.number) return `not ${m.number}`;
    if (m.prefix !== undefined && !d.startsWith(m.prefix)) return `does not start with ${m.prefix}`;
    if (m.length !== undefined && d.length !== m.length) return `${d.length} long, not ${m.length}`;
    if (m.minLength !== undefined && d.length < m.minLength) return `shorter than ${m.minLength}`;
    if (m.maxLength !== undefined && d.length > m.maxLength) return `longer than ${m.maxLength}`;
    if (m.class !== undefined) {
      const c = classOf();
      if (c !== m.class) return `${c ?? 'no class'}, not ${m.class}`;
    }
    return null;
  };
}

function exceptions(plan: NumberingPlan, owner: string, list: ZoneConfig['allow']): NumberIndex {
  const idx = new NumberIndex(plan);
  for (const e of list) idx.add({ owner, kind: e.number !== undefined ? 'number' : 'prefix', value: (e.number ?? e.prefix)!, reason: e.reason ?? null, expires: null, source: 'config', id: null });
  return idx;
}

export function compileList(plan: NumberingPlan, list: ListConfig, runtime: readonly RuntimeListEntry[]): CompiledList {
  const index = new NumberIndex(plan);
  for (const e of list.entries)
    index.add({ owner: list.id, kind: e.number !== undefined ? 'number' : 'prefix', value: (e.number ?? e.prefix)!, reason: e.reason ?? null, expires: e.expires ?? null, source: 'config', id: null });
  for (const e of runtime) {
    if (e.list !== list.id) continue;
    const entry: IndexEntry = { owner: list.id, kind: e.number !== null ? 'number' : 'prefix', value: (e.number ?? e.prefix)!, reason: e.reason, expires: e.expires, source: 'runtime', id: e.id };
    index.add(entry);
  }
  return { list, trunks: new Set(list.trunks), zones: new Set(list.zones), index };
}

/** Every phone of a dispatch zone, in the order of phones[]. */
export function dispatchPhonesOf(c: Pick<Config, 'zones' | 'phones'>): string[] {
  const desks = new Set(c.zones.filter((z) => z.dispatch).map((z) => z.id));
  return c.phones.filter((p) => desks.has(p.zone)).map((p) => p.number);
}

export function compileTables(config: Config, runtime: readonly RuntimeListEntry[] = []): RoutingTables {
  const plan = new NumberingPlan(config.numbering);
  const zones = new Map<string, CompiledZone>();
  for (const z of config.zones)
    zones.set(z.id, {
      id: z.id,
      dispatch: z.dispatch,
      permissions: new Set(z.permissions),
      night: z.night ? { schedule: z.night.schedule, permissions: new Set(z.night.permissions) } : null,
      allow: exceptions(plan, `zone ${z.id} allow`, z.allow),
      deny: exceptions(plan, `zone ${z.id} deny`, z.deny),
      callerId: z.callerId ?? null,
    });
  const calendars = new Map(config.calendars.map((c) => [c.id, c]));
  const schedules = new Map(config.schedules.map((s) => [s.id, new CompiledSchedule(s, s.calendar ? calendars.get(s.calendar) : undefined, config.numbering.timezone)]));
  return {
    plan,
    config,
    emergency: new Set(config.numbering.emergency),
    phones: new Map(config.phones.map((p) => [p.number, { number: p.number, zone: p.zone }])),
    zones,
    rules: config.routes.map((rule) => ({ rule, misses: matcher(rule) })),
    trunks: new Map(config.trunks.map((t) => [t.id, t])),
    emergencyTrunks: config.numbering.emergencyTrunks.length ? config.numbering.emergencyTrunks : config.trunks.map((t) => t.id),
    dispatchPhones: dispatchPhonesOf(config),
    lists: config.lists.map((l) => compileList(plan, l, runtime)),
    schedules,
  };
}

/** The same tables with one list rebuilt (an entry added or removed at run time). */
export function withList(t: RoutingTables, listId: string, runtime: readonly RuntimeListEntry[]): RoutingTables {
  return { ...t, lists: t.lists.map((l) => (l.list.id === listId ? compileList(t.plan, l.list, runtime) : l)) };
}

export type { DestinationConfig };
