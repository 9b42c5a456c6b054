import type { TypedEvent } from '@rollout-ledger/contracts';

/** Anything that publishes a batch of events in order (LedgerProducer does). */
export interface EventSink {
  publish(events: readonly TypedEvent[]): Promise<unknown>;
}

export interface PublishOptions {
  /** Events per publish call (one Kafka produce request per topic). Default 500. */
  readonly batchSize?: number;
  /** Events per second at most; undefined = as fast as the sink takes them. */
  readonly ratePerSecond?: number;
  readonly onProgress?: (published: number) => void;
  /** Injected for tests; default Date.now and setTimeout. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface PublishStats {
  readonly events: number;
  readonly batches: number;
  readonly elapsed_ms: number;
}

/**
 * Publishes a (possibly endless, lazily generated) stream in batches, one batch in flight at a
 * time so the order of the stream is the order on each partition, and holding only one batch in
 * memory. The rate limit paces against the start time, so a slow batch is made up for later.
 */
export async function publishEvents(source: Iterable<TypedEvent> | AsyncIterable<TypedEvent>, sink: EventSink, options: PublishOptions = {}): Promise<PublishStats> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let published = 0;
  let batches = 0;
  let batch: TypedEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    if (options.ratePerSecond !== undefined && options.ratePerSecond > 0) {
      const due = started + ((published + batch.length) / options.ratePerSecond) * 1000;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    await sink.publish(batch);
    published += batch.length;
    batches += 1;
    batch = [];
    options.onProgress?.(published);
  };
  for await (const event of source) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { events: published, batches, elapsed_ms: now() - started };
}
