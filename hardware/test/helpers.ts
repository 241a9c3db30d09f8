// Shared test helpers: a silent logger and an event recorder.
import pino from 'pino';
import type { Emitter } from '../src/emitter.js';
import type { DebouncedInputEvents } from '../src/gpio/debounced-input.js';

export const quietLog = pino({ level: 'silent' });

/** Records "kind@ms" for every event of a DebouncedInput, relative to t0. */
export function record(input: Emitter<DebouncedInputEvents>, t0: number): string[] {
  const seen: string[] = [];
  for (const k of ['pressed', 'released', 'long-press', 'stuck', 'unstuck'] as const) input.on(k, (at) => seen.push(`${k}@${at - t0}`));
  return seen;
}
