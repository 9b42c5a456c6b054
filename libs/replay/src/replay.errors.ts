import { LedgerError } from '@rollout-ledger/contracts';

export const ReplayErrorCodes = {
  /** `--from` / `--to` / `--source` and friends that can never work as given. */
  invalidOptions: 'REPLAY_OPTIONS_INVALID',
  /** Kafka no longer holds the start of the range (retention): replay from the store instead. */
  rangeExpired: 'REPLAY_RANGE_EXPIRED',
  /** A reward function threw something that is not a typed, per-rollout input problem. */
  rewardFnFailed: 'REPLAY_REWARD_FN_FAILED',
  /** `--reward-module` could not be loaded or exports no reward function. */
  rewardModuleInvalid: 'REWARD_MODULE_INVALID',
} as const;

export class ReplayOptionsError extends LedgerError {
  constructor(message: string, readonly option: string) {
    super(ReplayErrorCodes.invalidOptions, message, false, { option });
  }
}

export class ReplayRangeExpiredError extends LedgerError {
  constructor(readonly topic: string, readonly partition: number, readonly requested: string, readonly earliest: string) {
    super(
      ReplayErrorCodes.rangeExpired,
      `${topic} partition ${partition} starts at offset ${earliest} now; offset ${requested} is gone (retention). Replay it with --source store`,
      false,
      { topic, partition, requested, earliest },
    );
  }
}

export class RewardModuleError extends LedgerError {
  constructor(message: string, readonly modulePath: string, options?: { cause?: unknown }) {
    super(ReplayErrorCodes.rewardModuleInvalid, message, false, { modulePath }, options);
  }
}

/** Wraps an unexpected failure of a reward function; keeps the retriable flag of a typed cause. */
export function rewardFnFailure(ref: string, rolloutId: string, error: unknown): LedgerError {
  const retriable = error instanceof LedgerError && error.retriable;
  const message = error instanceof Error ? error.message : String(error);
  return new LedgerError(ReplayErrorCodes.rewardFnFailed, `reward function ${ref} failed on rollout ${rolloutId}: ${message}`, retriable, { ref, rolloutId }, { cause: error });
}
