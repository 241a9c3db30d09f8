// The admin HTTP(S) server as a lifecycle component.
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Config } from '../config/schema.js';
import type { Component } from '../lifecycle/components.js';
import type { Logger } from '../log/logger.js';
import { MAX_CONNECTIONS, type RequestGate } from './request-gate.js';

export class HttpServer implements Component {
  readonly name = 'http';
  private server: Server | undefined;

  constructor(
    private readonly app: Express,
    private readonly cfg: Config['http'],
    private readonly log: Logger,
    /** Answers a request before express when it returns true (GET /api/health). */
    private readonly fastPath?: (req: IncomingMessage, res: ServerResponse) => boolean,
    /** Bounds the requests in progress; answers 503 when over (request-gate.ts). */
    private readonly gate?: RequestGate,
  ) {}

  get tls(): boolean {
    return !!this.cfg.tls;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.cfg.port;
  }

  private readonly handler = (req: IncomingMessage, res: ServerResponse) => {
    if (this.fastPath?.(req, res)) return;
    if (this.gate && !this.gate.admit(req, res)) return;
    void this.app(req, res);
  };

  async start(): Promise<void> {
    let server: Server;
    if (this.cfg.tls) {
      let cert: Buffer, key: Buffer;
      try {
        cert = readFileSync(this.cfg.tls.cert);
        key = readFileSync(this.cfg.tls.key);
      } catch (e) {
        throw new Error(`cannot read the TLS certificate or key: ${(e as Error).message}`, { cause: e });
      }
      server = createHttps({ cert, key }, this.handler);
    } else {
      server = createHttp(this.handler);
    }
    server.maxConnections = MAX_CONNECTIONS;
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? `port ${this.cfg.port} on ${this.cfg.host} is already in use` : err.code === 'EACCES' ? `not allowed to listen on port ${this.cfg.port}` : err.message;
        reject(new Error(`the admin web server cannot start: ${why}`));
      });
      server.listen(this.cfg.port, this.cfg.host, () => resolve());
    });
    server.on('error', (err) => this.log.error({ err }, 'http server error'));
    this.server = server;
    this.log.info({ host: this.cfg.host, port: this.port, tls: this.tls }, 'admin web server listening');
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      // Event streams and idle keep-alive connections would hold close() open.
      s.closeAllConnections();
    });
  }
}
