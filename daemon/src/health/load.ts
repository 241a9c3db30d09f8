// The figures of every bounded queue (commands from central, HTTP requests,
// event streams, the database queue), gathered for get-status and tests: how
// full each is now, its peak, and what it shed. Each owner registers a reader.
export class LoadGauges {
  private readonly readers = new Map<string, () => unknown>();

  set(name: string, read: () => unknown): void {
    this.readers.set(name, read);
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.readers].map(([k, read]) => [k, read()]));
  }
}
