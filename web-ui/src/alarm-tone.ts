// The alarm tone: a two-note beep that repeats while an alarm waits for
// acknowledgement. It is a looping audio buffer, so it keeps its rhythm on
// the audio thread even in a background tab, where timers are throttled to
// once a minute. Browsers start audio only after a user gesture: the first
// click or key press after sign-in unlocks it; until then the tone is
// "blocked" and the UI says so. A mute lasts MUTE_MS and ends early when a
// new alarm comes.
import { useEffect, useState } from 'preact/hooks';

export type ToneState = 'off' | 'playing' | 'muted' | 'blocked';

export const MUTE_MS = 5 * 60_000;

interface ToneSnapshot {
  state: ToneState;
  /** ms since the epoch when a mute ends; null when not muted. */
  mutedUntil: number | null;
  /** The AudioContext's own state ('running' while sound can come out), for the UI and tests. */
  audio: string;
}

let ctx: AudioContext | null = null;
let source: AudioBufferSourceNode | null = null;
let wanted = false;
let mutedUntil: number | null = null;
let muteTimer: ReturnType<typeof setTimeout> | undefined;
let snapshot: ToneSnapshot = { state: 'off', mutedUntil: null, audio: 'none' };
const listeners = new Set<(s: ToneSnapshot) => void>();

/** 880 Hz then 660 Hz, 0.25 s each with soft edges, then 0.7 s of silence: one 1.2 s loop. */
function beepBuffer(c: AudioContext): AudioBuffer {
  const rate = c.sampleRate;
  const buf = c.createBuffer(1, Math.round(rate * 1.2), rate);
  const data = buf.getChannelData(0);
  const note = (from: number, freq: number) => {
    const n = Math.round(0.25 * rate);
    const edge = Math.round(0.01 * rate);
    for (let i = 0; i < n; i++) {
      const env = Math.min(1, i / edge, (n - i) / edge);
      data[from + i] = 0.35 * env * Math.sin((2 * Math.PI * freq * i) / rate);
    }
  };
  note(0, 880);
  note(Math.round(0.25 * rate), 660);
  return buf;
}

function publish(): void {
  const muted = mutedUntil !== null && Date.now() < mutedUntil;
  const audio = ctx?.state ?? 'none';
  const state: ToneState = !wanted ? 'off' : muted ? 'muted' : audio === 'running' && source ? 'playing' : 'blocked';
  snapshot = { state, mutedUntil: muted ? mutedUntil : null, audio };
  if (typeof document !== 'undefined') {
    document.documentElement.dataset.alarmTone = state;
    document.documentElement.dataset.audio = audio;
  }
  for (const fn of listeners) fn(snapshot);
}

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = typeof window === 'undefined' ? undefined : window.AudioContext;
  if (!Ctor) return null;
  ctx = new Ctor();
  ctx.addEventListener('statechange', () => {
    apply();
  });
  return ctx;
}

/** Start or stop the sound to match what is wanted now. */
function apply(): void {
  const muted = mutedUntil !== null && Date.now() < mutedUntil;
  const c = wanted && !muted ? context() : ctx;
  if (wanted && !muted && c) {
    if (c.state === 'suspended') void c.resume().catch(() => undefined);
    if (!source) {
      source = c.createBufferSource();
      source.buffer = beepBuffer(c);
      source.loop = true;
      source.connect(c.destination);
      source.start();
    }
  } else if (source) {
    source.stop();
    source.disconnect();
    source = null;
  }
  publish();
}

/** Whether an alarm waits for acknowledgement; `fresh` when one arrived that was not there before (it ends a mute). */
export function setToneWanted(want: boolean, fresh: boolean): void {
  if (fresh && mutedUntil !== null) unmute();
  if (want === wanted && !fresh) return;
  wanted = want;
  if (!want) unmute();
  apply();
}

export function muteTone(ms = MUTE_MS): void {
  clearTimeout(muteTimer);
  mutedUntil = Date.now() + ms;
  muteTimer = setTimeout(() => {
    mutedUntil = null;
    apply();
  }, ms);
  apply();
}

function unmute(): void {
  clearTimeout(muteTimer);
  mutedUntil = null;
}

/** End a mute now (the tone comes back if an alarm still waits). */
export function unmuteTone(): void {
  unmute();
  apply();
}

/**
 * Browsers let a page make sound once the user has interacted with it: the
 * first click or key after sign-in creates and resumes the audio context.
 */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    const c = context();
    if (c && c.state !== 'running') void c.resume().then(apply, () => undefined);
    else apply();
  };
  const opts = { capture: true } as const;
  window.addEventListener('pointerdown', unlock, opts);
  window.addEventListener('keydown', unlock, opts);
  return () => {
    window.removeEventListener('pointerdown', unlock, opts);
    window.removeEventListener('keydown', unlock, opts);
  };
}

/** Signed out: silence and forget. */
export function resetTone(): void {
  wanted = false;
  unmute();
  apply();
}

export function useTone(): ToneSnapshot {
  const [s, set] = useState(snapshot);
  useEffect(() => {
    listeners.add(set);
    set(snapshot);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return s;
}
