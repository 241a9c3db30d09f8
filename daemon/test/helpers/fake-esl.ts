// A bare event-socket server for protocol edge cases: answers login, event
// subscription and `show channels`, records every byte a client sends, and
// lets a test push raw frames. (Whole call scenarios use the emulator.)
import { createServer, type Server, type Socket } from 'node:net';

export class FakeEsl {
  readonly received: Buffer[] = [];
  readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;
  channelsJson = '{"row_count": 0}\n';

  constructor(private readonly password = 'test-password-1') {}

  get text(): string {
    return Buffer.concat(this.received).toString();
  }

  async start(): Promise<number> {
    this.server = createServer((s) => this.onConnection(s));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  private onConnection(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    s.write('Content-Type: auth/request\n\n');
    let buf = '';
    s.on('data', (d: Buffer) => {
      this.received.push(d);
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const command = buf.slice(0, i);
        buf = buf.slice(i + 2);
        this.answer(s, command);
      }
    });
  }

  private answer(s: Socket, command: string): void {
    const line = command.split('\n')[0]!;
    const reply = (text: string, extra = '') => s.write(`Content-Type: command/reply\nReply-Text: ${text}\n${extra}\n`);
    const api = (body: string) => s.write(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
    if (line.startsWith('auth ')) {
      if (line.slice(5) === this.password) reply('+OK accepted');
      else {
        reply('-ERR invalid');
        s.write('Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n');
        s.end();
      }
    } else if (line.startsWith('event ')) reply(`+OK event listener enabled ${line.split(' ')[1]}`);
    else if (line === 'api show channels as json') api(this.channelsJson);
    else if (line.startsWith('api ')) api('+OK\n');
    else if (line.startsWith('bgapi ')) {
      const job = /Job-UUID: (\S+)/.exec(command)?.[1] ?? '00000000-0000-0000-0000-000000000000';
      reply(`+OK Job-UUID: ${job}`, `Job-UUID: ${job}\n`);
      const ev = JSON.stringify({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': job, 'Job-Command': line.split(' ')[1], 'Content-Length': '24', _body: '-ERR test server only\n' });
      s.write(`Content-Length: ${Buffer.byteLength(ev)}\nContent-Type: text/event-json\n\n${ev}`);
    } else reply('-ERR command not found');
  }

  /** Bytes received after the login and subscription (what commands sent). */
  commandsAfterLogin(): string[] {
    return this.text.split('\n\n').filter((c) => c && !c.startsWith('auth ') && !c.startsWith('event ') && c !== 'api show channels as json');
  }

  push(raw: string | Buffer): void {
    for (const s of this.sockets) s.write(raw);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
