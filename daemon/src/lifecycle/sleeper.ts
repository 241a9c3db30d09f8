// A wait that stop() can cut short: reconnect loops and retry pauses sleep on
// one, so shutdown never waits for a backoff to run out.
export class Sleeper {
  private readonly wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** End every sleep now. */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
