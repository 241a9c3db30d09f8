// The commissioning walk test (issue #13, item 8): installers press every
// call point after wiring; each press is recorded as a test — its lamps
// flash, nobody is called, central gets an `event` of kind `test`. The UI
// shows a checklist of every point with its last successful test, and a
// printable commissioning report per walk test.
import { z } from 'zod';
import { isoTime } from './patterns.js';

/** One walk test: who started it, for which zones (null: all), until when. */
export const walkTestSession = z.object({
  id: z.number(),
  startedAt: isoTime,
  startedBy: z.string(),
  /** The zones in test; null: every zone. Points of other zones raise real alarms. */
  zones: z.array(z.string()).nullable(),
  /** It ends by itself then (a forgotten walk test must not leave points silent). */
  endsAt: isoTime,
  endedAt: isoTime.nullable(),
  endedBy: z.string().nullable(),
  /** stopped, timeout, restart */
  endReason: z.string().nullable(),
});
export type WalkTestSession = z.infer<typeof walkTestSession>;

/** A call point on the checklist. */
export const walkTestPoint = z.object({
  id: z.string(),
  label: z.string(),
  location: z.string(),
  zone: z.string(),
  input: z.string(),
  /** In the walk test now (its zone is in test). */
  inTest: z.boolean(),
  /** The last successful test press, in any walk test; null: never tested. */
  lastTestAt: isoTime.nullable(),
  /** Tested in the active (or shown) walk test. */
  testedAt: isoTime.nullable(),
});
export type WalkTestPoint = z.infer<typeof walkTestPoint>;

/** GET /api/walk-test */
export const walkTestView = z.object({
  active: walkTestSession.nullable(),
  points: z.array(walkTestPoint),
  /** Recent walk tests, newest first (their reports). */
  sessions: z.array(walkTestSession),
});
export type WalkTestView = z.infer<typeof walkTestView>;

/** POST /api/walk-test/start */
export const walkTestStartBody = z.strictObject({
  zones: z.array(z.string().max(63)).max(200).nullable().optional(),
  minutes: z.number().int().min(5, 'at least 5 minutes').max(480, 'at most 8 hours').default(60),
});
export type WalkTestStartBody = z.input<typeof walkTestStartBody>;

/** GET /api/walk-test/:id/report: what the printed commissioning report shows. */
export const walkTestReport = z.object({
  site: z.string(),
  node: z.string(),
  session: walkTestSession,
  points: z.array(z.object({ id: z.string(), label: z.string(), location: z.string(), zone: z.string(), input: z.string(), result: z.enum(['passed', 'not-tested', 'not-in-test']), at: isoTime.nullable() })),
  generatedAt: isoTime,
});
export type WalkTestReport = z.infer<typeof walkTestReport>;

/** SSE `walk-test`: the walk test started, ended, or a point was tested. */
export const walkTestEvent = z.object({ active: walkTestSession.nullable(), tested: z.object({ point: z.string(), at: isoTime }).nullable() });
export type WalkTestEvent = z.infer<typeof walkTestEvent>;
