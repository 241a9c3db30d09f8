// Two cross-wired Duplex streams: what one writes the other reads. An
// in-process stand-in for a serial cable (Node 20 has no stream.duplexPair).
// Destroying one end closes the other, like a USB modem being unplugged.
import { Duplex } from 'node:stream';

export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const other = (self: Duplex): Duplex => (ends[0] === self ? ends[1]! : ends[0]!);
  const make = (): Duplex => {
    const d: Duplex = new Duplex({
      read() {
        /* data is pushed by the other end */
      },
      write(chunk: Buffer, _enc, cb) {
        const o = other(d);
        if (!o.destroyed && !o.readableEnded) o.push(chunk);
        cb();
      },
      final(cb) {
        other(d).push(null);
        cb();
      },
      destroy(err, cb) {
        const o = other(d);
        if (!o.destroyed) o.destroy();
        cb(err);
      },
    });
    return d;
  };
  ends.push(make(), make());
  return [ends[0]!, ends[1]!];
}
