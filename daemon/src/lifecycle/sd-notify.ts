// sd_notify(3) without libsystemd: one datagram per state change to the unix
// socket systemd names in $NOTIFY_SOCKET. Node has no AF_UNIX SOCK_DGRAM, so
// this uses unix-dgram (a small maintained addon). Spawning `systemd-notify`
// would race: systemd attributes the message by the sender's pid, which has
// exited by the time it looks. With no $NOTIFY_SOCKET (not under systemd,
// tests, simulation) every call does nothing.
import { createRequire } from 'node:module';
import type { Logger } from '../log/logger.js';

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  close(): void;
  on(event: 'error', fn: (err: Error) => void): void;
}

export interface Notifier {
  readonly enabled: boolean;
  /** WATCHDOG_USEC from systemd, in ms, or 0 when no watchdog is set for this process. */
  readonly watchdogMs: number;
  send(state: string): Promise<void>;
  close(): void;
}

export function createNotifier(env: NodeJS.ProcessEnv, log: Logger): Notifier {
  const path = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC ?? 0);
  const pidOk = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  const watchdogMs = Number.isFinite(usec) && usec > 0 && pidOk ? Math.floor(usec / 1000) : 0;
  if (!path) return { enabled: false, watchdogMs, send: () => Promise.resolve(), close: () => undefined };
  if (path.startsWith('@')) {
    log.warn({ socket: path }, 'NOTIFY_SOCKET is an abstract socket, which this build cannot reach; readiness and watchdog are not reported');
    return { enabled: false, watchdogMs: 0, send: () => Promise.resolve(), close: () => undefined };
  }
  const require = createRequire(import.meta.url);
  const unix = require('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
  const sock = unix.createSocket('unix_dgram');
  sock.on('error', (err) => log.warn({ err }, 'sd_notify socket error'));
  return {
    enabled: true,
    watchdogMs,
    send(state) {
      const buf = Buffer.from(state);
      return new Promise((resolve) =>
        sock.send(buf, 0, buf.length, path, (err) => {
          if (err) log.warn({ err, state }, 'sd_notify failed');
          resolve();
        }),
      );
    },
    close() {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    },
  };
}
