// The daemon's recent log lines for the admin UI's log viewer:
// GET /api/logs (and the `log` events of GET /api/logs/stream).
import { z } from 'zod';
import { isoTime } from './patterns.js';

export const logLine = z.object({
  /** Increases by one per line logged; "after" pages and the stream go by it. */
  seq: z.number(),
  time: isoTime,
  level: z.string(),
  /** The module that logged it (pbx:esl, lines:gsm, api:auth…). */
  ns: z.string().nullable(),
  msg: z.string(),
  /** The line's other fields as JSON ('' when none), redacted as the log is, cut to 2000 characters. */
  extra: z.string(),
});
export type LogLine = z.infer<typeof logLine>;

export const logList = z.object({ lines: z.array(logLine), namespaces: z.array(z.string()) });
export type LogList = z.infer<typeof logList>;
