import { LedgerError } from '@rollout-ledger/contracts';

export class UnknownRewardFunctionError extends LedgerError {
  constructor(
    readonly ref: string,
    readonly known: readonly string[],
  ) {
    super('REWARD_FN_UNKNOWN', `unknown reward function ${ref}; known: ${known.length > 0 ? known.join(', ') : '(none)'}`, false, { ref, known });
  }
}

export class DuplicateRewardFunctionError extends LedgerError {
  constructor(readonly ref: string) {
    super('REWARD_FN_DUPLICATE', `reward function ${ref} is already registered; publish a new version instead`, false, { ref });
  }
}

/** The task lacks what the reward function needs: scoring it anyway would record a false 0. */
export class RewardInputError extends LedgerError {
  constructor(message: string, readonly task_id: string) {
    super('REWARD_INPUT_MISSING', message, false, { task_id });
  }
}
