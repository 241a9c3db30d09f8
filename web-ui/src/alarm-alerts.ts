// What makes an alarm impossible to miss, on every page: the tone while one
// waits for acknowledgement (alarm-tone.ts), the open count in the tab's
// title and icon, a desktop notification for each new alarm while the tab is
// in the background (permission asked once, when the user chooses to), and
// the new alarm brought into view.
import { useEffect, useRef } from 'preact/hooks';
import { setToneWanted } from './alarm-tone';
import { isRealOpen } from './alarms';
import { setTitleCount } from './hooks';
import { t } from './i18n';
import { HREF } from './router';
import type { Alarm, CallPoint } from './types';

/** States in which nobody has acknowledged the alarm yet: the tone sounds. */
const WAITING = new Set<Alarm['state']>(['raised', 'calling', 'connected', 'failed']);
export const waitsForAck = (a: Alarm) => isRealOpen(a) && WAITING.has(a.state);

const ASKED_KEY = 'callpoint.notifications.asked';

export type NotifyPermission = NotificationPermission | 'unsupported';

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Whether to offer desktop notifications: the browser has them, nobody decided yet, and the offer was not put off. */
export function shouldOfferNotifications(): boolean {
  if (notifyPermission() !== 'default') return false;
  try {
    return localStorage.getItem(ASKED_KEY) === null;
  } catch {
    return true;
  }
}

/** Ask once, from the user's click (browsers ignore a request that no gesture started). */
export async function askNotifications(): Promise<NotifyPermission> {
  rememberAsked();
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

export function rememberAsked(): void {
  try {
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
  } catch {
    /* private mode: the offer comes back next time */
  }
}

/** The tab's icon: a red disc with the count while alarms are open, a plain dark one otherwise. */
function setFavicon(count: number): void {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  if (link.dataset.count === String(count)) return;
  const c = document.createElement('canvas');
  c.width = c.height = 64;
  const g = c.getContext('2d');
  if (!g) return;
  g.fillStyle = count > 0 ? '#c4170f' : '#1f2a37';
  g.beginPath();
  g.arc(32, 32, 30, 0, 2 * Math.PI);
  g.fill();
  if (count > 0) {
    g.fillStyle = '#fff';
    g.font = `bold ${count > 9 ? 30 : 40}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(count > 99 ? '99+' : String(count), 32, 35);
  }
  link.href = c.toDataURL('image/png');
  link.dataset.count = String(count);
}

function notify(a: Alarm, point: CallPoint | undefined): void {
  if (notifyPermission() !== 'granted') return;
  const label = point?.label || a.pointId;
  try {
    const n = new Notification(t('notify.title', { label }), {
      body: t('notify.body', { id: a.id, location: point?.location || a.zone }),
      tag: a.id,
      requireInteraction: true,
    });
    n.onclick = () => {
      window.focus();
      location.hash = HREF.alarms;
      n.close();
    };
  } catch {
    /* some browsers allow notifications only from a service worker: the title and the tone still say it */
  }
}

/** Scroll the new alarm into view: its card on the Alarms page, else the banner at the top. */
function bringIntoView(id: string): void {
  requestAnimationFrame(() => {
    const card = document.querySelector(`[data-testid="alarm-card"][data-id="${CSS.escape(id)}"]`);
    const target = card ?? document.querySelector('[data-testid="alarm-banner"]');
    target?.scrollIntoView({ block: card ? 'center' : 'start', behavior: 'smooth' });
  });
}

/**
 * Watches the alarms of the signed-in session. `settled`: the first list has
 * answered (alarms already open then are not "new": no notification, but the
 * tone sounds if they wait for acknowledgement).
 */
export function useAlarmAlerts(active: boolean, alarms: Alarm[], points: CallPoint[], settled: boolean): void {
  const seen = useRef<Set<string> | null>(null);
  const open = alarms.filter(isRealOpen);
  const waiting = open.filter(waitsForAck);
  const key = `${open.map((a) => a.id).join()}|${waiting.map((a) => a.id).join()}`;

  useEffect(() => {
    if (!active) {
      seen.current = null;
      setTitleCount(0);
      setFavicon(0);
      return;
    }
    setTitleCount(open.length);
    setFavicon(open.length);
    if (!settled) return;
    const first = seen.current === null;
    const known = seen.current ?? new Set<string>();
    const fresh = waiting.filter((a) => !known.has(a.id));
    for (const a of open) known.add(a.id);
    seen.current = known;
    setToneWanted(waiting.length > 0, !first && fresh.length > 0);
    if (first || !fresh.length) return;
    const newest = fresh.reduce((x, y) => (y.raisedAt > x.raisedAt ? y : x));
    bringIntoView(newest.id);
    if (document.visibilityState === 'hidden') for (const a of fresh) notify(a, points.find((p) => p.id === a.pointId));
  }, [active, key, settled]);
}
