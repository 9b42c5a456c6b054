import { EnvParseError, EnvValues, env, parseEnv } from './env-schema';

const REWARD_FN = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(@[A-Za-z0-9][A-Za-z0-9._\-/]*)?$/;

/** The GRPO batch assembler (`rollout-ledger serve --apps grpo`, apps/grpo-assembler). */
export const grpoAssemblerSpec = {
  GRPO_ROLE: env.oneOf(
    'what this process does: all = consume rollout.events, assemble and publish batches, and serve the lease API; leases = serve the lease, batch and group API of GRPO_CONSUMER_GROUP from Postgres only (no Kafka), so trainers are answered by a process the consumer does not keep busy',
    ['all', 'leases'] as const,
    'all',
  ),
  GRPO_TOPIC: env.string('topic of rollout events the assembler consumes', 'rollout.events'),
  GRPO_BATCHES_TOPIC: env.string('topic BatchAssembled events are published on', 'grpo.batches'),
  GRPO_CONSUMER_GROUP: env.string('Kafka consumer group and name of this assembler (its rows in Postgres are keyed by it)', 'grpo-assembler'),
  GRPO_REWARD_FN: {
    description: 'reward function groups are scored with: name@version, a bare name (latest version), or empty (any)',
    default: '',
    parse: (raw: string) => {
      if (!REWARD_FN.test(raw.trim())) throw new EnvParseError(`must be name or name@version (e.g. db-hash@1), got "${raw}"`);
      return raw.trim();
    },
  },
  GRPO_REWARD_SOURCE: env.oneOf('which source of rewards counts', ['online', 'replay', 'import', 'human', 'any'] as const, 'online'),
  GRPO_ADVANTAGE: env.oneOf('advantage estimator', ['grpo', 'grpo_no_std', 'rloo'] as const, 'grpo'),
  GRPO_BATCH_GROUPS: env.int('complete groups per batch (MUA-RL: 32 prompts × 8 rollouts)', 32, { min: 1, max: 100_000 }),
  GRPO_MAX_STALENESS: env.int('drop groups whose oldest rollout is more than this many policy versions behind the trainer (-1: off)', -1, { min: -1 }),
  GRPO_EXCLUDED_TERMINATIONS: {
    description: 'termination reasons whose rollouts are left out of their group, comma-separated',
    default: [] as readonly string[],
    parse: (raw: string) => raw.split(',').map((item) => item.trim()).filter(Boolean) as readonly string[],
  },
  GRPO_GROUP_TIMEOUT_MS: env.int('a group still incomplete this long after its first event is emitted partial or dropped', 600_000, { min: 1 }),
  GRPO_MIN_GROUP_SIZE: env.int('complete rollouts a timed-out or thinned group needs to be emitted', 2, { min: 1 }),
  GRPO_SWEEP_INTERVAL_MS: env.int('period of the sweep that times out groups and applies new trainer policy versions', 1_000, { min: 10 }),
  GRPO_OUTPUT_DIR: env.string('folder the batch payload files (JSONL, Parquet) are written to', '.stack/batches'),
  GRPO_LEASE_TIMEOUT_S: env.int('default lease timeout of POST /v1/batches/lease', 600, { min: 1 }),
  GRPO_MAX_LEASE_TIMEOUT_S: env.int('longest lease a trainer may ask for', 86_400, { min: 1 }),
  GRPO_LEASE_RECHECK_MS: env.int(
    'a lease request waiting for a batch (wait_s) looks again this often without a wake-up: expired leases, notifications missed while reconnecting',
    1_000,
    { min: 10 },
  ),
  GRPO_SESSION_TIMEOUT_MS: env.int('Kafka consumer session timeout: how long a crashed instance holds its partitions', 30_000, { min: 6_000 }),
  GRPO_DB_POOL_MAX: env.int('PostgreSQL connections of the assembler', 10, { min: 2, max: 200 }),
  GRPO_QUEUE_RECORDS: env.int('Kafka records fetched ahead of the writer; one transaction applies everything queued', 20_000, { min: 1 }),
  GRPO_DLQ_TOPIC: env.string(
    'dead-letter topic for undecodable messages; empty (default): counted and skipped, because the materializer dead-letters the same messages of the shared topic — set it when no materializer reads GRPO_TOPIC',
    '',
  ),
};

export type GrpoAssemblerConfig = EnvValues<typeof grpoAssemblerSpec>;

export function loadGrpoAssemblerConfig(source: NodeJS.ProcessEnv = process.env): GrpoAssemblerConfig {
  return parseEnv(grpoAssemblerSpec, source, 'GRPO assembler configuration');
}
