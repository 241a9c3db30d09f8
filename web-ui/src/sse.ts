// Server-sent events from /api/events, with our own reconnect loop.
// EventSource retries by itself only for some failures (not e.g. a 401 or
// a proxy error page), so on any error we close it and retry with backoff.
// A watchdog treats a silent stream (no event, not even `ping`) as dead.
// While the stream is down, a cheap probe (GET /api/health) asks every
// second whether the appliance answers again: then the stream reconnects at
// once, instead of after a backoff that has grown during a long outage.

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamOptions {
  url?: string;
  /** Event types to deliver (each `data` is parsed as JSON). */
  types: readonly string[];
  onEvent(type: string, data: unknown): void;
  onStatus?(status: StreamStatus): void;
  /** Called before each retry; resolve false to stop for good (e.g. logged out). */
  beforeReconnect?(): Promise<boolean>;
  /** Silence after which the stream counts as dead (the server pings every 25 s). */
  staleMs?: number;
  maxDelayMs?: number;
  /** Resolves true when the appliance answers again; asked every `probeMs` while the stream is down. */
  probe?: () => Promise<boolean>;
  probeMs?: number;
}

export interface EventStream {
  close(): void;
}

export function openEventStream(opts: StreamOptions): EventStream {
  const url = opts.url ?? '/api/events';
  const staleMs = opts.staleMs ?? 40_000;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const probeMs = opts.probeMs ?? 1000;
  let source: EventSource | null = null;
  let closed = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;

  const status = (s: StreamStatus) => opts.onStatus?.(s);

  const alive = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(fail, staleMs);
  };

  function connect(): void {
    if (closed) return;
    status(failures === 0 ? 'connecting' : 'reconnecting');
    const es = new EventSource(url);
    source = es;
    alive();
    es.onopen = () => {
      failures = 0;
      alive();
      status('live');
    };
    es.onerror = () => fail();
    es.addEventListener('ping', alive);
    for (const type of opts.types) {
      es.addEventListener(type, (ev) => {
        alive();
        let data: unknown;
        try {
          data = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return; // ignore a malformed event rather than drop the stream
        }
        opts.onEvent(type, data);
      });
    }
  }

  function fail(): void {
    clearTimeout(watchdog);
    source?.close();
    source = null;
    if (closed || retryTimer !== undefined) return;
    status('reconnecting');
    const base = Math.min(maxDelayMs, 1000 * 2 ** Math.min(failures, 10));
    const delay = base * (0.75 + Math.random() * 0.5); // jitter: don't reconnect in lockstep
    failures++;
    let retrying = false;
    const retry = async () => {
      if (retrying || closed) return;
      retrying = true;
      clearTimeout(retryTimer);
      clearTimeout(probeTimer);
      retryTimer = undefined;
      if (opts.beforeReconnect && !(await opts.beforeReconnect())) return;
      connect();
    };
    retryTimer = setTimeout(() => void retry(), delay);
    // The appliance answering again after not answering ends the wait early. One
    // that answers all along failed the stream some other way: the backoff stands.
    const probe = opts.probe;
    if (!probe) return;
    let wasDown = false;
    const ask = () => {
      probeTimer = setTimeout(() => {
        void probe().then((up) => {
          if (retrying || closed) return;
          if (up && wasDown) return void retry();
          wasDown ||= !up;
          if (!up) ask();
        });
      }, probeMs);
    };
    ask();
  }

  connect();

  return {
    close() {
      closed = true;
      clearTimeout(watchdog);
      clearTimeout(retryTimer);
      clearTimeout(probeTimer);
      source?.close();
      source = null;
    },
  };
}
