// Small shared hooks.
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

/** Sets document.title to "<page> – Callpoint". */
export function useTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} – ${t('app.name')}`;
  }, [page]);
}

/**
 * Re-render every `intervalMs` (0 = don't). Read the clock with Date.now()
 * while rendering; this hook only makes sure the render happens.
 */
export function useTick(intervalMs: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (intervalMs <= 0) return;
    const id = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
}
