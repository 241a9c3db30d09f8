// The log viewer's lines: the recent ones (GET /api/logs), then each new one
// from the stream (GET /api/logs/stream?after=<last seq>, so nothing logged
// in between is missed). While the reader has paused, new lines are held
// back, not drawn: the lines they are reading stay where they are. A broken
// stream (the daemon restarting: its line numbers start again) is fetched
// afresh.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiErr } from '../api';
import type { LogLine } from '../types';
import { getLogs, logStreamUrl, type LogFilters } from './api';

/** As many as the daemon keeps (its log ring). */
export const MAX_LINES = 2000;
const FIRST_FETCH = 500;
const RETRY_MS = 2000;

export type FeedStatus = 'loading' | 'live' | 'reconnecting';

const cap = (lines: LogLine[]) => (lines.length > MAX_LINES ? lines.slice(-MAX_LINES) : lines);

export interface LogFeed {
  lines: LogLine[];
  /** New lines held back while paused. */
  held: number;
  namespaces: string[];
  status: FeedStatus;
  error: ApiErr | null;
  /** Draw the held lines. */
  flush(): void;
}

export function useLogFeed(f: LogFilters, paused: boolean): LogFeed {
  const [lines, setLines] = useState<LogLine[]>([]);
  /** Lines that came while paused; their count is state (it is shown), the lines wait here. */
  const held = useRef<LogLine[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [status, setStatus] = useState<FeedStatus>('loading');
  const [error, setError] = useState<ApiErr | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let closed = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const take = (l: LogLine) => {
      if (typeof l?.seq !== 'number' || l.seq <= last) return; // already have it
      last = l.seq;
      if (pausedRef.current) {
        held.current = cap([...held.current, l]);
        setHeldCount(held.current.length);
      } else setLines((p) => cap([...p, l]));
      const ns = l.ns;
      if (ns) setNamespaces((n) => (n.includes(ns) ? n : [...n, ns].sort()));
    };
    const retry = () => {
      if (closed) return;
      setStatus('reconnecting');
      timer = setTimeout(() => void start(), RETRY_MS);
    };
    async function start(): Promise<void> {
      const r = await getLogs(f, FIRST_FETCH);
      if (closed) return;
      if (!r.ok) {
        setError(r);
        return retry();
      }
      setError(null);
      const got = r.data.lines;
      last = got.length ? got[got.length - 1].seq : 0;
      setLines(got);
      held.current = [];
      setHeldCount(0);
      setNamespaces(r.data.namespaces);
      const es = new EventSource(logStreamUrl(f, last));
      source = es;
      es.onopen = () => setStatus('live');
      es.addEventListener('log', (ev) => {
        try {
          take(JSON.parse((ev as MessageEvent<string>).data) as LogLine);
        } catch {
          /* a malformed event: skip it, keep the stream */
        }
      });
      es.onerror = () => {
        es.close();
        source = null;
        retry();
      };
    }
    setStatus('loading');
    void start();
    return () => {
      closed = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [f.level, f.ns]);

  const flush = useCallback(() => {
    const h = held.current;
    held.current = [];
    setHeldCount(0);
    if (h.length) setLines((p) => cap([...p, ...h]));
  }, []);

  return { lines, held: heldCount, namespaces, status, error, flush };
}
