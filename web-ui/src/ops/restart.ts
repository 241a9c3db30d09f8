// Restarting the daemon from the UI and knowing when it is back. The API
// answers 202 and then stops and starts again (in its process, or by exiting
// for systemd). Back means: /api/health answers from a daemon that started
// after the request — its uptime is shorter than the time since we asked,
// or it answered after not answering — so the old daemon, still stopping,
// is never taken for the new one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getHealth, type ApiErr } from '../api';
import type { HealthStatus } from '../types';
import { restartDaemon } from './api';

const POLL_MS = 1000;
/** After this long the page says something is wrong (a board restarting its service takes seconds). */
export const LATE_MS = 120_000;
/** And stops asking after this long (the operator can reload the page). */
const GIVE_UP_MS = 15 * 60_000;
/** Slack for whole seconds in uptimeS and a slow answer. */
const UPTIME_SLACK_MS = 1500;

export type RestartState =
  | { kind: 'idle' }
  | { kind: 'asking' }
  | { kind: 'refused'; err: ApiErr }
  | { kind: 'waiting'; since: number; late: boolean }
  | { kind: 'back'; since: number; at: number; health: HealthStatus };

export function useRestart(onBack: () => void): { state: RestartState; restart: (reason: string) => Promise<void> } {
  const [state, setState] = useState<RestartState>({ kind: 'idle' });
  const alive = useRef(true);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const back = useRef(onBack);
  back.current = onBack;
  useEffect(
    () => () => {
      alive.current = false;
      clearTimeout(timer.current);
    },
    [],
  );

  const restart = useCallback(async (reason: string) => {
    setState({ kind: 'asking' });
    const since = Date.now();
    const r = await restartDaemon(reason);
    if (!alive.current) return;
    if (!r.ok) return setState({ kind: 'refused', err: r });
    setState({ kind: 'waiting', since, late: false });
    let sawDown = false;
    const poll = async () => {
      const h = await getHealth(POLL_MS + 500);
      if (!alive.current) return;
      const now = Date.now();
      if (h.ok && (sawDown || h.data.uptimeS * 1000 <= now - since + UPTIME_SLACK_MS)) {
        setState({ kind: 'back', since, at: now, health: h.data.status });
        back.current();
        return;
      }
      sawDown ||= !h.ok && h.status === 0; // no answer at all (an answer of "down" may still be the old daemon)
      if (now - since > GIVE_UP_MS) return;
      if (now - since > LATE_MS) setState({ kind: 'waiting', since, late: true });
      timer.current = setTimeout(() => void poll(), POLL_MS);
    };
    timer.current = setTimeout(() => void poll(), POLL_MS);
  }, []);

  return { state, restart };
}
