/**
 * The hand-off between the Kafka fetch loop and the Postgres writer: fetching the next batches
 * overlaps writing the previous ones, and a full queue makes the fetch loop wait (backpressure,
 * which is also how the consumer pauses while Postgres is down).
 */
export class BatchQueue<T extends { readonly size: number }> {
  private readonly items: T[] = [];
  private closed = false;
  private wakeTaker: (() => void) | null = null;
  private wakePushers: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  /**
   * Waits for room, calling `whileWaiting` (the Kafka heartbeat) every `intervalMs`.
   * Resolves false when the queue was closed: the item was not taken (its offsets are not committed).
   */
  async push(item: T, whileWaiting: () => Promise<void>, intervalMs = 1_000): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, intervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakePushers.push(done);
      });
      if (!this.closed && this.items.length >= this.capacity) await whileWaiting();
    }
    if (this.closed) return false;
    this.items.push(item);
    this.wakeTaker?.();
    return true;
  }

  /** Takes queued items up to `maxSize` in total (at least one); waits while empty; [] once closed and empty. */
  async take(maxSize: number): Promise<T[]> {
    while (this.items.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wakeTaker = resolve));
      this.wakeTaker = null;
    }
    const taken: T[] = [];
    let size = 0;
    while (this.items.length > 0 && (taken.length === 0 || size + this.items[0].size <= maxSize)) {
      const item = this.items.shift() as T;
      size += item.size;
      taken.push(item);
    }
    const pushers = this.wakePushers;
    this.wakePushers = [];
    for (const wake of pushers) wake();
    return taken;
  }

  /** No more pushes; items already queued can still be taken. */
  close(): void {
    this.closed = true;
    this.wakeTaker?.();
    const pushers = this.wakePushers;
    this.wakePushers = [];
    for (const wake of pushers) wake();
  }

  /** Drops what is queued (on shutdown after a failure: those offsets were never committed). */
  clear(): void {
    this.items.length = 0;
  }
}
