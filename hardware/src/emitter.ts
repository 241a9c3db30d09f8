// A small typed event emitter: listeners are registered by their owner and
// removed with the function `on` returns; one listener's error is reported
// and never stops the others (STYLE.md 10).

type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<M extends { [K in keyof M]: unknown[] }> {
  private readonly listeners = new Map<keyof M, Set<Listener<never[]>>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  on<K extends keyof M>(event: K, fn: Listener<M[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as unknown as Listener<never[]>);
    return () => {
      set.delete(fn as unknown as Listener<never[]>);
    };
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  protected emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as unknown as Listener<M[K]>)(...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
