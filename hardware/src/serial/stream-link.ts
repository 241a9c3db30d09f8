// A SerialLink over any Node Duplex: an in-process modem simulator, a TCP
// socket, one end of sim/serial/duplex-pair.ts. It opens once; when the stream
// ends it reports `close` and stays closed (a stream cannot be reopened — use
// SerialPortLink on a pty for reopen behaviour).
import type { Duplex } from 'node:stream';
import { Emitter } from '../emitter.js';
import type { SerialLink, SerialLinkEvents } from './link.js';

export class StreamLink extends Emitter<SerialLinkEvents> implements SerialLink {
  private open = false;
  private detach: (() => void) | undefined;

  constructor(
    private readonly stream: Duplex,
    readonly path = 'stream',
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  start(): void {
    if (this.detach || this.stream.destroyed) return;
    const onData = (chunk: Buffer | string) => this.emit('data', typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onEnd = () => this.closed('stream ended');
    const onError = (err: Error) => this.closed(`stream error: ${err.message}`);
    this.stream.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    this.detach = () => {
      this.stream.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
    };
    this.open = true;
    this.emit('open');
  }

  write(data: string | Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new Error(`${this.path} is not open`));
    return new Promise((resolve, reject) => {
      this.stream.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  async stop(): Promise<void> {
    this.closed('stopped');
    this.detach?.();
  }

  private closed(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.emit('close', reason);
  }
}
