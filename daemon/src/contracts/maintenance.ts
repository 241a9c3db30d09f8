// The appliance's upkeep for admins: GET /api/maintenance, the answer to a
// restore upload (POST /api/backup/restore) and to a restart
// (POST /api/daemon/restart). The backup itself is GET /api/backup (a tar).
import { z } from 'zod';
import { isoTime } from './patterns.js';

/** What a backup holds (its manifest.json, as `callpoint backup` writes it). */
export const backupManifest = z.object({
  format: z.string(),
  createdAt: isoTime,
  callpointVersion: z.string(),
  schemaVersion: z.number(),
  site: z.string(),
  node: z.string(),
  files: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number() })),
});

/** A backup uploaded to restore: checked, and applied at the next start. */
export const stagedRestore = z.object({ by: z.string(), stagedAt: isoTime, manifest: backupManifest });
export type StagedRestore = z.infer<typeof stagedRestore>;

export const maintenanceState = z.object({
  pendingRestore: stagedRestore.nullable(),
  /** Run by systemd (a restart is an exit it restarts), or by hand (the daemon restarts in its process). */
  supervised: z.boolean(),
  maxUploadBytes: z.number(),
});
export type MaintenanceState = z.infer<typeof maintenanceState>;

export const restoreStaged = z.object({ staged: stagedRestore, restartNeeded: z.literal(true) });
export type RestoreStaged = z.infer<typeof restoreStaged>;

export const restartAnswer = z.object({ restarting: z.literal(true), supervised: z.boolean() });
export type RestartAnswer = z.infer<typeof restartAnswer>;
export const restartBody = z.strictObject({ reason: z.string().trim().min(1, 'say why').max(200).optional() });
