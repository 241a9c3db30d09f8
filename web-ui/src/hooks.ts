// Small shared hooks.
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

let pageTitle = '';
let alarmCount = 0;

function applyTitle(): void {
  const base = pageTitle ? `${pageTitle} – ${t('app.name')}` : t('app.name');
  document.title = alarmCount > 0 ? `(${alarmCount}) ${base}` : base;
}

/** Sets document.title to "<page> – Callpoint", with the open alarms' count in front: "(2) Faults – Callpoint". */
export function useTitle(page: string): void {
  useEffect(() => {
    pageTitle = page;
    applyTitle();
  }, [page]);
}

/** The open alarms counted in the tab's title, whatever page is shown. */
export function setTitleCount(n: number): void {
  if (n === alarmCount) return;
  alarmCount = n;
  applyTitle();
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
