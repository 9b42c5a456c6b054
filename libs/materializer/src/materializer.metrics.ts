import type { MetricsRegistry } from '@rollout-ledger/observability';

/** The materializer's Prometheus metrics (names are stable: dashboards and alerts use them). */
export function materializerMetrics(registry: MetricsRegistry) {
  return {
    events: registry.counter(
      'rollout_ledger_materializer_events_total',
      'Events handled, by outcome (applied, duplicate, skipped below the checkpoint, dead_lettered) and type; rate() gives events/s',
      ['outcome', 'type'],
    ),
    batchSize: registry.histogram(
      'rollout_ledger_materializer_batch_events',
      'Records per PostgreSQL transaction',
      [],
      [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000, 50000],
    ),
    transactionSeconds: registry.histogram('rollout_ledger_materializer_transaction_seconds', 'Duration of one batch transaction', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    lag: registry.gauge('rollout_ledger_materializer_lag', 'Records not yet materialized per partition (high watermark − Postgres checkpoint)', ['group', 'topic', 'partition']),
    deadLetters: registry.counter('rollout_ledger_materializer_dead_letters_total', 'Poison events sent to the dead-letter topic, by error code', ['code']),
    retries: registry.counter('rollout_ledger_materializer_retries_total', 'Batch transactions retried, by reason (database unavailable or data error)', ['reason']),
  };
}

export type MaterializerMetrics = ReturnType<typeof materializerMetrics>;
