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

export const health = z.object({
  status: healthStatus,
  version: z.string(),
  uptimeS: z.number(),
  site: z.string(),
  node: z.string(),
  components: z.record(componentName, componentHealth),
  system: systemReadings,
});
export type Health = z.infer<typeof health>;
