// GET /api/health, the SSE `health` event and the `health` inside MQTT `status`.
import { z } from 'zod';

import { phraseSchema } from './phrase.js';
import { COMPONENT_STATUSES, COMPONENTS, HEALTH_STATUSES } from './values.js';

export const healthStatus = z.enum(HEALTH_STATUSES);
export const componentStatus = z.enum(COMPONENT_STATUSES);
export const componentName = z.enum(COMPONENTS);
export type HealthStatus = z.infer<typeof healthStatus>;
export type ComponentStatus = z.infer<typeof componentStatus>;
export type ComponentName = z.infer<typeof componentName>;

/** `detail` in English; `phrase`, when given, the same in any language (contracts/phrases). */
export const componentHealth = z.object({ status: componentStatus, detail: z.string(), phrase: phraseSchema.optional() });
export type ComponentHealth = z.infer<typeof componentHealth>;

export const systemReadings = z.object({
  cpuLoad: z.number().nullable(),
  memUsedPct: z.number().nullable(),
  diskFreePct: z.number().nullable(),
  tempC: z.number().nullable(),
});
export type SystemReadings = z.infer<typeof systemReadings>;

/**
 * What the board is, read by systeminformation in a worker thread at start and
 * every 6 h. A value the board does not report is null, never a guess.
 * `readAt` is when the values were read (null: never); `error` says why the
 * latest reading failed (the values, if any, are from the one before).
 */
export const boardInventory = z.object({
  readAt: z.string().nullable(),
  error: z.string().nullable(),
  hardware: z.object({ manufacturer: z.string().nullable(), model: z.string().nullable(), serial: z.string().nullable() }),
  os: z.object({ distro: z.string().nullable(), release: z.string().nullable(), kernel: z.string().nullable(), arch: z.string().nullable(), hostname: z.string().nullable() }),
  cpu: z.object({ brand: z.string().nullable(), cores: z.number().int().nullable() }),
  memTotalBytes: z.number().nullable(),
  /** The filesystem holding the data directory and the block device under it. */
  dataDisk: z.object({ mount: z.string().nullable(), device: z.string().nullable(), fsType: z.string().nullable(), sizeBytes: z.number().nullable(), model: z.string().nullable() }),
});
export type BoardInventory = z.infer<typeof boardInventory>;

export const health = z.object({
  status: healthStatus,
  version: z.string(),
  uptimeS: z.number(),
  site: z.string(),
  node: z.string(),
  components: z.record(componentName, componentHealth),
  system: systemReadings,
  /** Absent until the first reading has finished or failed. */
  inventory: boardInventory.optional(),
});
export type Health = z.infer<typeof health>;
