// The configuration as the UI, scripts and central edit it: GET /api/config
// and its preview, apply, versions, restore, export and import; the SSE
// `config` event; MQTT cmd/config-apply. The file is the configuration; these
// carry it as written (secrets masked), what a change would do (a diff per
// field) and what an apply did (what took effect now, what waits for what).
import { z } from 'zod';
import { fieldError } from './errors.js';
import { isoTime, who } from './patterns.js';
import { CONFIG_APPLY_HOWS, CONFIG_DIFF_OPS, CONFIG_SOURCES, CONFIG_WAITS } from './values.js';

/** One change between two configurations, per field; a whole list entry when it was added or removed. Secrets show as SECRET_MASK. */
export const configDiffEntry = z.object({
  /** `http.port`, `points[id=sos-1].label`, `plans[id=p].targets[0].ringS`, `zones[id=east]` (a whole entry). */
  path: z.string(),
  op: z.enum(CONFIG_DIFF_OPS),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  secret: z.boolean().optional(),
});
export type ConfigDiffEntry = z.infer<typeof configDiffEntry>;

/** What an apply did now. */
export const configApplied = z.object({
  /** The section or key: `points`, `uplink`, `log`. */
  path: z.string(),
  how: z.enum(CONFIG_APPLY_HOWS),
  detail: z.string(),
});
export type ConfigApplied = z.infer<typeof configApplied>;

/** What waits, and for what: an open alarm to close, the calls in progress to end, a restart of Callpoint. */
export const configPending = z.object({
  path: z.string(),
  waitsFor: z.enum(CONFIG_WAITS),
  /** The open alarm it waits for (waitsFor alarm). */
  alarmId: z.string().optional(),
  detail: z.string(),
});
export type ConfigPending = z.infer<typeof configPending>;

/** GET /api/config (ETag: "<version>"). */
export const configView = z.object({
  version: z.number(),
  /** As written in the file (no defaults filled in), secrets as SECRET_MASK. */
  config: z.record(z.string(), z.unknown()),
  pending: z.array(configPending),
  /** Keys set by CALLPOINT_* environment variables: they win over the file. */
  fromEnv: z.array(z.string()),
  /** Where the live file is. */
  file: z.string(),
});
export type ConfigView = z.infer<typeof configView>;

const reason = z.string().max(200, 'a reason is one line of at most 200 characters').regex(/^[^\n\r]*$/, 'a reason is one line');

/** POST /api/config/preview, PUT /api/config: the configuration as written; `partial`: top-level keys not given stay as they are. */
export const configPutBody = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  partial: z.boolean().optional(),
  reason: reason.optional(),
});
export type ConfigPutBody = z.infer<typeof configPutBody>;

/** POST /api/config/preview → what would change, and every problem on its field. */
export const configPreview = z.object({
  version: z.number(),
  diff: z.array(configDiffEntry),
  errors: z.array(fieldError),
});
export type ConfigPreview = z.infer<typeof configPreview>;

/** PUT /api/config (and restore, import, entry edits, cmd/config-apply) → 200. */
export const configApplyResult = z.object({
  version: z.number(),
  diff: z.array(configDiffEntry),
  applied: z.array(configApplied),
  pending: z.array(configPending),
});
export type ConfigApplyResult = z.infer<typeof configApplyResult>;

/** 409: someone saved first. `diff` is what changed since the version the request was based on. */
export const configConflict = z.object({
  error: z.string(),
  version: z.number(),
  diff: z.array(configDiffEntry),
});
export type ConfigConflict = z.infer<typeof configConflict>;

/** PUT /api/config/entries/:list/:id — one entry of a list (a point, a phone, a plan, a zone). */
export const configEntryBody = z.strictObject({ entry: z.record(z.string(), z.unknown()), reason: reason.optional() });
/** DELETE /api/config/entries/:list/:id */
export const configEntryDeleteBody = z.strictObject({ reason: reason.optional() });

/** POST /api/config/import — a whole file (admin). */
export const configImportBody = z.strictObject({ text: z.string().min(1).max(2_000_000), reason: reason.optional() });
/** POST /api/config/versions/:version/restore */
export const configRestoreBody = z.strictObject({ reason: reason.optional() });

export const configVersionEntry = z.object({
  version: z.number(),
  createdAt: isoTime,
  username: z.string().nullable(),
  role: z.string().nullable(),
  ip: z.string().nullable(),
  source: z.enum(CONFIG_SOURCES),
  reason: z.string().nullable(),
  bytes: z.number(),
  sha256: z.string(),
  restoredFrom: z.number().nullable(),
  current: z.boolean(),
});
export type ConfigVersionEntry = z.infer<typeof configVersionEntry>;
/** GET /api/config/versions: newest first, the last 20. */
export const configVersionList = z.object({ versions: z.array(configVersionEntry) });
export type ConfigVersionList = z.infer<typeof configVersionList>;
/** GET /api/config/versions/:version: what restoring it would change. */
export const configVersionDetail = z.object({ entry: configVersionEntry, diff: z.array(configDiffEntry) });
export type ConfigVersionDetail = z.infer<typeof configVersionDetail>;

/** SSE `config`: a new version was applied, or something pending took effect. */
export const configEvent = z.object({ version: z.number(), pending: z.array(configPending) });
export type ConfigEvent = z.infer<typeof configEvent>;

/**
 * MQTT cmd/config-apply: the whole file and the version central believes is
 * current; refused, changing nothing, when that is stale or the file invalid.
 */
export const configApplyCommand = z.strictObject({
  yaml: z.string().min(1).max(2_000_000),
  expectedVersion: z.number().int().positive(),
  reason: reason.optional(),
  by: who.optional(),
});
export type ConfigApplyCommand = z.infer<typeof configApplyCommand>;

/** POST /api/config/uplink-test: the uplink settings being edited (secrets as the mask keep the stored ones). */
export const uplinkTestBody = z.strictObject({
  uplink: z.strictObject({
    brokers: z.array(z.string().max(300)).max(10).optional(),
    username: z.string().max(200).optional(),
    password: z.string().max(500).optional(),
    ca: z.string().max(500).optional(),
    cert: z.string().max(500).optional(),
    key: z.string().max(500).optional(),
    keepaliveS: z.number().int().min(5).max(600).optional(),
  }).passthrough(),
});
/** Each broker tried once with those settings: connected, or why not, in words. */
export type UplinkTestBody = z.infer<typeof uplinkTestBody>;
export const uplinkTestResult = z.object({ results: z.array(z.object({ url: z.string(), ok: z.boolean(), detail: z.string() })) });
export type UplinkTestResult = z.infer<typeof uplinkTestResult>;
