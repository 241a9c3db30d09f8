// The board as the UI shows it: GET /api/board and the SSE `board` event (the whole snapshot on each change).
import { z } from 'zod';

export const boardSnapshot = z.object({
  name: z.string(),
  inputs: z.array(z.object({ id: z.string(), point: z.string().nullable(), label: z.string().nullable(), source: z.string(), pressed: z.boolean() })),
  outputs: z.array(z.object({ id: z.string(), role: z.string(), point: z.string().nullable(), mode: z.string(), on: z.boolean() })),
  /** `since`: ms since the epoch of the last status change. */
  devices: z.array(z.object({ id: z.string(), status: z.string(), detail: z.string(), since: z.number() })),
  temperatures: z.record(z.string(), z.number().nullable()),
});
export type BoardSnapshot = z.infer<typeof boardSnapshot>;
