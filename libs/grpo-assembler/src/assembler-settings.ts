import type { GrpoAssemblerConfig } from '@rollout-ledger/config';
import { validateGroupConfig, type AdvantageMode, type GroupConfig, type GroupRewardFn } from '@rollout-ledger/grpo';

/** What one assembler instance needs to know, resolved once from its validated configuration. */
export interface AssemblerSettings {
  /** `all`: consume, assemble, publish and serve the API; `leases`: serve the API only (no Kafka). */
  readonly role: 'all' | 'leases';
  /** Consumer group id; also the key of this assembler's rows in Postgres. */
  readonly name: string;
  readonly topic: string;
  readonly batchesTopic: string;
  readonly batchGroups: number;
  readonly advantageMode: AdvantageMode;
  readonly rewardFn: GroupRewardFn;
  /** Undefined: no staleness filter. */
  readonly maxStaleness?: number;
  readonly excludedTerminationReasons: readonly string[];
  readonly timeoutMs: number;
  readonly minGroupSize: number;
  readonly sweepIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly outputDir: string;
  readonly defaultLeaseTimeoutS: number;
  readonly maxLeaseTimeoutS: number;
  readonly leaseRecheckMs: number;
  readonly queueRecords: number;
  /** Null: poison is counted and skipped (the materializer dead-letters it). */
  readonly dlqTopic: string | null;
}

export function assemblerSettingsFrom(config: GrpoAssemblerConfig, outputDir: string): AssemblerSettings {
  const [name, version] = config.GRPO_REWARD_FN === '' ? [] : config.GRPO_REWARD_FN.split('@');
  return {
    role: config.GRPO_ROLE,
    name: config.GRPO_CONSUMER_GROUP,
    topic: config.GRPO_TOPIC,
    batchesTopic: config.GRPO_BATCHES_TOPIC,
    batchGroups: config.GRPO_BATCH_GROUPS,
    advantageMode: config.GRPO_ADVANTAGE,
    rewardFn: {
      ...(name === undefined ? {} : { name }),
      ...(version === undefined ? {} : { version }),
      source: config.GRPO_REWARD_SOURCE,
    },
    ...(config.GRPO_MAX_STALENESS < 0 ? {} : { maxStaleness: config.GRPO_MAX_STALENESS }),
    excludedTerminationReasons: config.GRPO_EXCLUDED_TERMINATIONS,
    timeoutMs: config.GRPO_GROUP_TIMEOUT_MS,
    minGroupSize: config.GRPO_MIN_GROUP_SIZE,
    sweepIntervalMs: config.GRPO_SWEEP_INTERVAL_MS,
    sessionTimeoutMs: config.GRPO_SESSION_TIMEOUT_MS,
    outputDir,
    defaultLeaseTimeoutS: config.GRPO_LEASE_TIMEOUT_S,
    maxLeaseTimeoutS: config.GRPO_MAX_LEASE_TIMEOUT_S,
    leaseRecheckMs: config.GRPO_LEASE_RECHECK_MS,
    queueRecords: config.GRPO_QUEUE_RECORDS,
    dlqTopic: config.GRPO_DLQ_TOPIC.trim() === '' ? null : config.GRPO_DLQ_TOPIC.trim(),
  };
}

/** The pure evaluation's config for a group, given the trainer version its run is measured against. */
export function groupConfigFor(settings: AssemblerSettings, trainerPolicyVersion: number | undefined): GroupConfig {
  return validateGroupConfig({
    rewardFn: settings.rewardFn,
    advantageMode: settings.advantageMode,
    ...(settings.maxStaleness === undefined ? {} : { maxStaleness: settings.maxStaleness }),
    ...(trainerPolicyVersion === undefined ? {} : { trainerPolicyVersion }),
    excludedTerminationReasons: settings.excludedTerminationReasons,
    timeoutMs: settings.timeoutMs,
    minGroupSize: settings.minGroupSize,
  });
}
