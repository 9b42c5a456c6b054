import { randomUUID } from 'node:crypto';
import type { ConnectionConfig, ReplayConfig } from '@rollout-ledger/config';
import type { EventType } from '@rollout-ledger/contracts';
import { EventSerde, HttpSchemaRegistry, LedgerProducer, type KafkaConnectionOptions } from '@rollout-ledger/kafka';
import { createDatabase } from '@rollout-ledger/persistence';
import { KafkaReplayInput } from './kafka-replay.input';
import { KafkaRewardPublisher } from './kafka-reward.publisher';
import { describeBound, parseReplayBound } from './replay-bounds';
import { runReplayEngine, type ReplayOutcome } from './replay.engine';
import { ReplayOptionsError } from './replay.errors';
import type { ReplayInput, ReplayProgress, RewardPublisher } from './replay.ports';
import { resolveRewardFns } from './reward-fn.resolver';
import { StoreReplayInput } from './store-replay.input';

export type ReplaySource = 'kafka' | 'store';

export interface ReplayRequest {
  readonly rewardFn: string;
  readonly baseline?: string;
  readonly runId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly source: ReplaySource;
  readonly dryRun: boolean;
  readonly rewardModules?: readonly string[];
  readonly rewardUrl?: string;
  readonly passThreshold?: number;
  /** Relative --reward-module paths resolve from here. */
  readonly cwd: string;
}

export interface ReplayRunResult extends ReplayOutcome {
  readonly source: ReplaySource;
  readonly input: string;
  readonly range: { readonly from: string; readonly to: string };
  readonly run_id: string | null;
}

export interface ReplayIo {
  readonly progress: ReplayProgress;
  /** Instead of Kafka (tests compare the events two replays would append). */
  readonly publisher?: RewardPublisher;
}

/** `rollout-ledger replay` as a function: wires config, Kafka / Postgres and the engine. */
export async function runReplay(connection: ConnectionConfig, config: ReplayConfig, request: ReplayRequest, io: ReplayIo): Promise<ReplayRunResult> {
  if (request.source !== 'kafka' && request.source !== 'store') {
    throw new ReplayOptionsError(`--source must be kafka or store, got "${String(request.source)}"`, '--source');
  }
  const from = request.from === undefined ? undefined : parseReplayBound(request.from, '--from');
  const to = request.to === undefined ? undefined : parseReplayBound(request.to, '--to');
  const passThreshold = request.passThreshold ?? 0.5;
  if (!Number.isFinite(passThreshold)) throw new ReplayOptionsError('--pass-threshold must be a number', '--pass-threshold');
  const fns = resolveRewardFns({
    rewardFn: request.rewardFn,
    baseline: request.baseline,
    modules: request.rewardModules,
    cwd: request.cwd,
    service:
      request.rewardUrl === undefined
        ? undefined
        : { url: request.rewardUrl, timeoutMs: config.REWARD_SERVICE_TIMEOUT_MS, retries: config.REWARD_SERVICE_RETRIES, backoffMs: config.REWARD_SERVICE_BACKOFF_MS },
  });

  const kafka: KafkaConnectionOptions = { brokers: connection.KAFKA_BROKERS, clientId: `${connection.KAFKA_CLIENT_ID}-replay`, logLevel: 'nothing' };
  const serde = new EventSerde({ registry: new HttpSchemaRegistry({ url: connection.SCHEMA_REGISTRY_URL, clientId: kafka.clientId }), topics: topicsOf(config) });
  const db = request.source === 'store' ? createDatabase(connection.DATABASE_URL, { max: 2 }) : null;
  const input: ReplayInput =
    db === null
      ? new KafkaReplayInput({
          connection: kafka,
          serde,
          eventsTopic: config.ROLLOUT_EVENTS_TOPIC,
          tasksTopic: config.TASK_DEFINITIONS_TOPIC,
          from,
          to,
          groupId: `rollout-ledger-replay-${randomUUID()}`,
          idleTimeoutMs: config.REPLAY_IDLE_TIMEOUT_MS,
        })
      : new StoreReplayInput({ db, eventsTopic: config.ROLLOUT_EVENTS_TOPIC, runId: request.runId, from, to, pageSize: config.REPLAY_STORE_PAGE_SIZE });

  const producer = request.dryRun || io.publisher !== undefined ? null : new LedgerProducer({ ...kafka, serde });
  try {
    await producer?.connect();
    const outcome = await runReplayEngine(
      { input, progress: io.progress, publisher: io.publisher ?? (producer ? new KafkaRewardPublisher(producer) : { publish: async () => undefined }) },
      {
        rewardFn: fns.rewardFn,
        baseline: fns.baseline,
        runId: request.runId,
        dryRun: request.dryRun,
        passThreshold,
        batchSize: config.REPLAY_PUBLISH_BATCH,
        concurrency: request.rewardUrl === undefined ? 1 : config.REWARD_SERVICE_CONCURRENCY,
      },
    );
    return {
      ...outcome,
      source: request.source,
      input: input.description,
      range: { from: describeBound(from), to: describeBound(to) },
      run_id: request.runId ?? null,
    };
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await db?.destroy();
  }
}

function topicsOf(config: ReplayConfig): Partial<Record<EventType, string>> {
  const events = config.ROLLOUT_EVENTS_TOPIC;
  return {
    RolloutStarted: events,
    TurnRecorded: events,
    ToolCallRecorded: events,
    RewardAssigned: events,
    RolloutCompleted: events,
    TaskDefined: config.TASK_DEFINITIONS_TOPIC,
  };
}
