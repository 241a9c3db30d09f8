// A raw event-socket client (net + FrameParser) for tests and demos of the
// emulator: it keeps every frame and raw chunk so tests can check bytes.
import { connect, type Socket } from 'node:net';
import { FrameParser, eventFromFrame, type EslEvent, type Frame } from '../../pbx/esl/frame-parser.js';

export class RawClient {
  readonly frames: Frame[] = [];
  readonly raw: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  private constructor(readonly sock: Socket) {
    const p = new FrameParser((f) => {
      this.frames.push(f);
      this.wake();
    });
    sock.on('data', (d: Buffer) => {
      this.raw.push(d);
      p.push(d);
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(cmd: string): void {
    this.sock.write(cmd.endsWith('\n\n') ? cmd : cmd + '\n\n');
  }

  /** Wait until pred holds for the frames so far. */
  async until(pred: (c: RawClient) => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(this)) {
      if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Send a command and wait for the next reply frame (command/reply or api/response). */
  async cmd(cmd: string): Promise<Frame> {
    const n = this.replies().length;
    this.send(cmd);
    await this.until((c) => c.replies().length > n, 5000, `reply to ${cmd}`);
    return this.replies()[n] as Frame;
  }

  replies(): Frame[] {
    return this.frames.filter((f) => /^(command\/reply|api\/response|auth\/request)$/.test(f.headers.get('Content-Type') ?? '') && f.headers.get('Content-Type') !== 'auth/request');
  }

  events(): EslEvent[] {
    return this.frames.map(eventFromFrame).filter((e): e is EslEvent => !!e);
  }

  close(): void {
    this.sock.destroy();
  }
}

export async function authed(port: number, password = 'ClueCon', sub?: string): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.until((x) => x.frames.length >= 1);
  await c.cmd(`auth ${password}`);
  if (sub) await c.cmd(sub);
  return c;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
