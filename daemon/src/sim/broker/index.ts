// The embedded MQTT broker of simulation mode: when no central broker is
// configured, the uplink talks to this one on the loopback, so the whole path
// (outbox → MQTT → a subscriber such as `mosquitto_sub`) can be watched on a
// laptop. aedes keeps its sessions in memory: a restart of the daemon loses
// them, which is fine for simulation and never used on a board.
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Component } from '../../lifecycle/components.js';
import type { Logger } from '../../log/logger.js';

export interface SimBrokerOptions {
  /** Default 127.0.0.1: the simulation broker never listens on the network. */
  host?: string;
  /** Default 1883 (a free port if that one is taken); 0 picks a free port. See `port`/`url` after start. */
  port?: number;
}

export class SimBroker implements Component {
  readonly name = 'sim-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly o: SimBrokerOptions,
    private readonly log: Logger,
  ) {}

  /** The port listened on, after start(). */
  get port(): number {
    return this.boundPort;
  }

  /** mqtt://host:port, for `uplink.brokers`. */
  get url(): string {
    return `mqtt://${this.o.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    broker.on('clientError', (client, err) => this.log.debug({ client: client.id, err: err.message }, 'client error'));
    broker.on('connectionError', (_client, err) => this.log.debug({ err: err.message }, 'connection error'));
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.o.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    const wanted = this.o.port ?? 1883;
    try {
      await listen(wanted);
    } catch (err) {
      // A developer's own mosquitto often holds 1883: simulation should still start.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw err;
      this.log.warn({ port: wanted }, 'port in use; the simulation broker takes a free port instead');
      await listen(0);
    }
    server.on('error', (err) => this.log.error({ err }, 'simulation broker server error'));
    this.broker = broker;
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    this.log.info({ url: this.url }, 'simulation MQTT broker listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}
