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
  // A first pass sizes the arrays and decides whether logprobs can be kept; the second writes
  // into preallocated arrays (about twice as fast as push, and no spread into push(), which
  // exceeds the engine's argument limit on a long turn).
  let length = 0;
  let anyAligned = false;
  let trainableUnaligned = false;
  for (const turn of trajectory.turns) {
    if (turn.token_ids === null || turn.token_ids.length === 0) continue;
    length += turn.token_ids.length;
    if (hasAlignedLogprobs(turn.token_ids, turn.logprobs)) anyAligned = true;
    else if (turn.trainable) trainableUnaligned = true;
  }
  if (length === 0) return null;
  const withLogprobs = anyAligned && !trainableUnaligned;
  const token_ids = new Array<number>(length);
  const loss_mask = new Array<number>(length);
  const logprobs = withLogprobs ? new Array<number>(length) : null;
  let at = 0;
  for (const turn of trajectory.turns) {
    const ids = turn.token_ids;
    if (ids === null) continue;
    const mask = turn.trainable ? 1 : 0;
    const aligned = hasAlignedLogprobs(ids, turn.logprobs) ? (turn.logprobs as readonly number[]) : null;
    for (let i = 0; i < ids.length; i++, at++) {
      token_ids[at] = ids[i] as number;
      loss_mask[at] = mask;
      // Non-trainable turns without logprobs get 0: the loss mask zeroes them anyway.
      if (logprobs !== null) logprobs[at] = aligned === null ? 0 : (aligned[i] as number);
    }
  }
  return { token_ids, logprobs, loss_mask };
}

/** The loss mask alone, as toTokenSequence would return it, without building ids and logprobs. */
export function toLossMask(trajectory: Trajectory): readonly number[] | null {
  let length = 0;
  for (const turn of trajectory.turns) length += turn.token_ids === null ? 0 : turn.token_ids.length;
  if (length === 0) return null;
  const loss_mask = new Array<number>(length);
  let at = 0;
  for (const turn of trajectory.turns) {
    const count = turn.token_ids === null ? 0 : turn.token_ids.length;
    loss_mask.fill(turn.trainable ? 1 : 0, at, at + count);
    at += count;
  }
  return loss_mask;
}

function hasAlignedLogprobs(ids: readonly number[] | null, logprobs: readonly number[] | null): boolean {
  return ids !== null && logprobs !== null && logprobs.length === ids.length;
}
