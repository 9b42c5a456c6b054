import type { Trajectory } from './trajectory.types';

export interface TokenSequence {
  readonly token_ids: readonly number[];
  /**
   * Aligned with token_ids. Turns without logprobs that are not trainable are padded with 0 (the
   * loss mask zeroes them anyway); null when a trainable turn lacks them or no turn has any.
   */
  readonly logprobs: readonly number[] | null;
  /** 1 for tokens of trainable (policy-generated) turns, 0 for system, user and tool tokens. */
  readonly loss_mask: readonly number[];
}

/** Concatenates the token-level fields of the turns, in turn order; null when no turn has token_ids. */
export function toTokenSequence(trajectory: Trajectory): TokenSequence | null {
  const tokenized = trajectory.turns.filter((turn) => turn.token_ids !== null && turn.token_ids.length > 0);
  if (tokenized.length === 0) return null;
  const token_ids: number[] = [];
  const loss_mask: number[] = [];
  const logprobs: number[] = [];
  let logprobsUsable = tokenized.some((turn) => hasAlignedLogprobs(turn.token_ids, turn.logprobs));
  for (const turn of tokenized) {
    const ids = turn.token_ids ?? [];
    token_ids.push(...ids);
    loss_mask.push(...ids.map(() => (turn.trainable ? 1 : 0)));
    if (hasAlignedLogprobs(ids, turn.logprobs)) logprobs.push(...(turn.logprobs ?? []));
    else if (turn.trainable) logprobsUsable = false;
    else logprobs.push(...ids.map(() => 0));
  }
  return { token_ids, logprobs: logprobsUsable ? logprobs : null, loss_mask };
}

export function toLossMask(trajectory: Trajectory): readonly number[] | null {
  return toTokenSequence(trajectory)?.loss_mask ?? null;
}

function hasAlignedLogprobs(ids: readonly number[] | null, logprobs: readonly number[] | null): boolean {
  return ids !== null && logprobs !== null && logprobs.length === ids.length;
}
