// The appliance's upkeep for admins: download a backup, upload one to
// restore, restart the daemon. Each is audited. A restore is never applied
// under the running daemon (the CLI's rule): the upload is checked at once
// as `callpoint restore` checks a file, staged, and applied at the next
// start — which the admin can ask for right away with a restart.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { restartBody, type MaintenanceState, type RestartAnswer, type RestoreStaged } from '../../contracts/maintenance.js';
import { phrase } from '../../contracts/phrases/index.js';
import { fileStamp } from '../../config/site-time.js';
import { BackupError } from '../../store/backup.js';
import { parseBody } from '../body.js';
import type { ApiDeps, RouteDef } from '../route.js';

/** A backup larger than this is refused while uploading (a year of a busy site's calls is far below it). */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;


export function maintenanceRoutes(d: ApiDeps): RouteDef[] {
  const m = d.maintenance;
  if (!m) return [];
  const tz = d.timeZone ?? 'UTC';
  return [
    {
      method: 'get',
      path: '/api/maintenance',
      access: 'admin',
      handler: async (_req, res) => {
        const state: MaintenanceState = { pendingRestore: await m.pendingRestore(), supervised: m.supervised, maxUploadBytes: MAX_UPLOAD_BYTES };
        res.json(state);
      },
    },
    {
      // A download is a read, but it carries the whole database: audited as a change would be.
      method: 'get',
      path: '/api/backup',
      access: 'admin',
      handler: async (_req, res, ctx) => {
        const file = join(m.uploadDir, `.download-${randomBytes(6).toString('hex')}.tar`);
        try {
          const manifest = await m.backup(file);
          const { size } = await stat(file);
          const said = phrase('audit.backup', { bytes: size });
          await d.accounts.audit(ctx.actor, { action: 'backup.download', outcome: 'ok', phrase: said });
          const name = `callpoint-${manifest.site}-${manifest.node}-${fileStamp(new Date(manifest.createdAt), tz)}.tar`;
          res.status(200).set({ 'Content-Type': 'application/x-tar', 'Content-Length': String(size), 'Content-Disposition': `attachment; filename="${name}"` });
          await pipeline(createReadStream(file), res);
        } finally {
          await rm(file, { force: true });
        }
      },
    },
    {
      method: 'post',
      path: '/api/backup/restore',
      access: 'admin',
      action: 'backup.restore',
      handler: async (req, res, ctx) => {
        const type = req.get('content-type') ?? '';
        if (!/^application\/(octet-stream|x-tar)\b/.test(type)) {
          res.locals.error = `content type ${type || 'none'}`;
          return void res.status(415).json({ error: 'send the backup file itself (Content-Type: application/octet-stream)' });
        }
        const declared = Number(req.get('content-length'));
        if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
          res.locals.error = `${declared} bytes`;
          return void res.status(413).json({ error: `a backup of more than ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB is refused` });
        }
        const upload = join(m.uploadDir, `.upload-${randomBytes(6).toString('hex')}.tar`);
        let bytes = 0;
        try {
          req.on('data', (c: Buffer) => {
            bytes += c.length;
            if (bytes > MAX_UPLOAD_BYTES) req.destroy(new Error('too large'));
          });
          await pipeline(req, createWriteStream(upload, { mode: 0o600 }));
          const staged = await m.stageRestore(upload, ctx.actor.username ?? '?');
          await d.accounts.audit(ctx.actor, { action: 'backup.restore', outcome: 'ok', phrase: phrase('audit.restore.staged', { createdAt: staged.manifest.createdAt }) });
          res.locals.audited = true;
          const answer: RestoreStaged = { staged, restartNeeded: true };
          res.status(202).json(answer);
        } catch (e) {
          await rm(upload, { force: true });
          if (e instanceof BackupError) {
            await d.accounts.audit(ctx.actor, { action: 'backup.restore', outcome: 'failed', detail: e.message, phrase: phrase('audit.restore.refused', { why: e.message }) });
            res.locals.audited = true;
            return void res.status(400).json({ error: `not restored: ${e.message}; nothing was changed` });
          }
          if (bytes > MAX_UPLOAD_BYTES) {
            res.locals.error = 'upload too large';
            if (!res.headersSent) res.status(413).json({ error: 'the upload is too large' });
            return;
          }
          throw e;
        }
      },
    },
    {
      method: 'delete',
      path: '/api/backup/restore',
      access: 'admin',
      action: 'backup.restore-cancel',
      handler: async (_req, res) => {
        await m.cancelRestore();
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/api/daemon/restart',
      access: 'admin',
      action: 'daemon.restart',
      handler: async (req, res, ctx) => {
        const b = parseBody(restartBody, req, res);
        if (!b) return;
        const reason = b.reason ?? 'asked for in the admin UI';
        await d.accounts.audit(ctx.actor, { action: 'daemon.restart', outcome: 'ok', phrase: phrase('audit.restart', { reason }) });
        res.locals.audited = true;
        d.log.warn({ by: ctx.actor.username, reason }, 'restart asked for in the admin UI');
        // The answer goes out first; then the daemon stops (in order, within its bound) and starts again.
        res.on('finish', () => setImmediate(() => m.restart(reason)));
        const answer: RestartAnswer = { restarting: true, supervised: m.supervised };
        res.status(202).json(answer);
      },
    },
  ];
}
