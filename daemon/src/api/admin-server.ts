// The admin web server as the composition root starts it, and as a
// configuration change of its listener (host, port, TLS, proxy) restarts it
// in-process. On a new address the new server listens before the old one
// closes, so a port already taken leaves the old one serving; on the same
// address the old one must close first, and comes back if the new one cannot
// start. Either way the UI keeps a server, and the failure is said.
import type { Config } from '../config/schema.js';
import type { Component } from '../lifecycle/components.js';
import type { HttpServer } from './http-server.js';

export class AdminServer implements Component {
  readonly name = 'http';
  private server: HttpServer;
  private cfg: Config['http'];

  constructor(
    private readonly make: (cfg: Config['http']) => HttpServer,
    cfg: Config['http'],
  ) {
    this.cfg = cfg;
    this.server = make(cfg);
  }

  get port(): number {
    return this.server.port;
  }

  get tls(): boolean {
    return this.server.tls;
  }

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async restart(cfg: Config['http']): Promise<string> {
    const old = this.server;
    const next = this.make(cfg);
    const sameAddress = cfg.host === this.cfg.host && cfg.port === this.cfg.port;
    if (!sameAddress) {
      await next.start();
      this.server = next;
      await old.stop();
    } else {
      await old.stop();
      try {
        await next.start();
        this.server = next;
      } catch (e) {
        await old.start();
        throw e;
      }
    }
    this.cfg = cfg;
    return `listening on ${cfg.host}:${this.port}${cfg.tls ? ' (HTTPS)' : ''}`;
  }
}
