// Logging: pino JSON lines on stdout (journald keeps them), one namespace per
// module (`pbx:esl`, `store`, `api:auth`) with its own level, secrets
// redacted. In simulation mode on a terminal, readable coloured lines instead.
import pino from 'pino';
import { LogRing } from './log-ring.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Logger = pino.Logger;

export interface LogOptions {
  level: LogLevel;
  namespaces?: Record<string, LogLevel>;
  pretty?: boolean;
  /** Where lines go; stdout by default. Tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

/** Key names whose values never reach a log line, at any of the first levels of nesting. */
const SECRET_KEYS = ['password', 'pass', 'secret', 'token', 'csrfToken', 'cookie', 'authorization', 'key', 'pin', 'passwordHash', 'setupLink'];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export interface RootLogger {
  /** The logger of one namespace; its level is the longest configured prefix's, else the default. */
  ns(namespace: string): Logger;
  root: Logger;
  /** The recent lines, redacted, for the admin UI's log viewer. */
  ring: LogRing;
  flush(): void;
  /** New levels for every namespace (a configuration change of log.level or log.namespaces), at once. */
  setLevels(levels: Pick<LogOptions, 'level' | 'namespaces'>): void;
}

export function levelFor(namespace: string, opts: Pick<LogOptions, 'level' | 'namespaces'>): LogLevel {
  let best: string | undefined;
  for (const prefix of Object.keys(opts.namespaces ?? {})) {
    const matches = namespace === prefix || namespace.startsWith(`${prefix}:`);
    if (matches && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? opts.namespaces![best]! : opts.level;
}

export async function createLogger(opts: LogOptions): Promise<RootLogger> {
  const order: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  // The root must let through the most verbose level any namespace wants; each child then narrows.
  const lowestOf = (o: Pick<LogOptions, 'level' | 'namespaces'>) => {
    const levels = [o.level, ...Object.values(o.namespaces ?? {})];
    return order.find((l) => levels.includes(l)) ?? 'info';
  };
  let current: Pick<LogOptions, 'level' | 'namespaces'> = { level: opts.level, namespaces: opts.namespaces };
  const lowest = lowestOf(current);
  let dest: pino.DestinationStream;
  if (opts.destination) {
    dest = opts.destination;
  } else if (opts.pretty) {
    const { default: pretty } = await import('pino-pretty');
    dest = pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', messageFormat: '{if ns}[{ns}] {end}{msg}', hideObject: false });
  } else {
    dest = pino.destination({ fd: 1, sync: true });
  }
  // Every line to its destination and, as the same redacted JSON, to the ring of recent lines.
  const ring = new LogRing();
  const root = pino(
    {
      level: lowest,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.multistream([{ stream: dest, level: 'trace' }, { stream: ring.stream(), level: 'trace' }]),
  );
  const cache = new Map<string, Logger>();
  return {
    root,
    ring,
    ns(namespace) {
      let l = cache.get(namespace);
      if (!l) {
        l = root.child({ ns: namespace }, { level: levelFor(namespace, current) });
        cache.set(namespace, l);
      }
      return l;
    },
    flush() {
      root.flush();
    },
    setLevels(levels) {
      current = { level: levels.level, namespaces: levels.namespaces };
      root.level = lowestOf(current);
      for (const [namespace, l] of cache) l.level = levelFor(namespace, current);
    },
  };
}
