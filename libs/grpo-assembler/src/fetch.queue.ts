/**
 * Hands fetched partition batches from the kafkajs fetch loop to the single writer loop, so the
 * next fetch overlaps the current transaction and one transaction takes every partition's fetch
 * queued meanwhile. Bounded by the number of records: when full, the fetch loop waits (heartbeating),
 * which is how the consumer pauses while Postgres is slow or down.
 */
export class FetchQueue<T extends { readonly size: number }> {
  private readonly items: T[] = [];
  private queued = 0;
  private closed = false;
  private wakeTaker: (() => void) | null = null;
  private wakePushers: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Resolves false when the queue was closed before the item fitted (it was not taken). */
  async push(item: T, whileWaiting: () => Promise<void>, intervalMs = 1_000): Promise<boolean> {
    while (!this.closed && this.queued > 0 && this.queued + item.size > this.capacity) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        this.wakePushers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await whileWaiting();
    }
    if (this.closed) return false;
    this.items.push(item);
    this.queued += item.size;
    this.wakeTaker?.();
    return true;
  }

  /** Everything queued (at least one item); waits while empty; [] once closed and drained. */
  async take(): Promise<T[]> {
    while (this.items.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wakeTaker = resolve));
      this.wakeTaker = null;
    }
    const taken = this.items.splice(0);
    this.queued = 0;
    for (const wake of this.wakePushers.splice(0)) wake();
    return taken;
  }

  close(): void {
    this.closed = true;
    this.wakeTaker?.();
    for (const wake of this.wakePushers.splice(0)) wake();
  }
}
