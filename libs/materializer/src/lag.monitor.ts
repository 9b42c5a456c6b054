import type { Pool } from 'pg';
import type { KafkaAdmin } from '@rollout-ledger/kafka';
import * as sql from './materializer.sql';
import type { MaterializerMetrics } from './materializer.metrics';

/**
 * Lag per partition = the topic's high watermark − the group's Postgres checkpoint (the truth of
 * what is materialized; Kafka's committed offset may trail it). Refreshed on a timer, off the
 * write path.
 */
export class LagMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly admin: KafkaAdmin,
    private readonly pool: Pool,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly gauge: MaterializerMetrics['lag'],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = () => {
      const running = this.refresh().then(
        () => undefined,
        () => undefined,
      );
      this.running = running;
      void running.then(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The lag of every partition of the topics, also returned (tests and the benchmark read it). */
  async refresh(): Promise<Map<string, number>> {
    const lags = new Map<string, number>();
    const checkpoints = await this.pool.query<{ topic: string; partition: number; next_offset: string }>(sql.readCheckpoints, [this.groupId, [...this.topics]]);
    const next = new Map(checkpoints.rows.map((row) => [`${row.topic}/${row.partition}`, BigInt(row.next_offset)]));
    for (const topic of this.topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic)) {
        const done = next.get(`${topic}/${p.partition}`) ?? BigInt(p.low);
        const lag = BigInt(p.high) - done;
        const value = Number(lag > 0n ? lag : 0n);
        lags.set(`${topic}/${p.partition}`, value);
        this.gauge.set({ group: this.groupId, topic, partition: String(p.partition) }, value);
      }
    }
    return lags;
  }
}
