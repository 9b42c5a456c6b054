import { turn } from './trajectory.fixture';
import { toLossMask, toTokenSequence } from './token-sequence.renderer';
import { buildTrajectory } from './trajectory.projection';

describe('token sequence', () => {
  it('given tokenized turns, when concatenated, then only trainable tokens are in the loss mask', () => {
    const trajectory = buildTrajectory([
      turn(2, { role: 'tool', token_ids: [7], logprobs: null }),
      turn(0, { role: 'user', token_ids: [1, 2], logprobs: null }),
      turn(1, { role: 'assistant', trainable: true, token_ids: [3, 4, 5], logprobs: [-0.1, -0.2, -0.3] }),
    ]);

    expect(toTokenSequence(trajectory)).toEqual({
      token_ids: [1, 2, 3, 4, 5, 7],
      logprobs: [0, 0, -0.1, -0.2, -0.3, 0],
      loss_mask: [0, 0, 1, 1, 1, 0],
    });
  });

  it('given no turn with token_ids, then there is no token sequence and no loss mask', () => {
    const trajectory = buildTrajectory([turn(0), turn(1, { role: 'assistant', trainable: true })]);

    expect(toTokenSequence(trajectory)).toBeNull();
    expect(toLossMask(trajectory)).toBeNull();
  });

  it('given a trainable turn without logprobs, then logprobs are null but ids and mask remain', () => {
    const trajectory = buildTrajectory([
      turn(0, { role: 'user', token_ids: [1], logprobs: [-1] }),
      turn(1, { role: 'assistant', trainable: true, token_ids: [2, 3], logprobs: null }),
    ]);

    expect(toTokenSequence(trajectory)).toEqual({ token_ids: [1, 2, 3], logprobs: null, loss_mask: [0, 1, 1] });
  });

  it('given logprobs whose length differs from token_ids, then they are not used', () => {
    const trajectory = buildTrajectory([turn(0, { role: 'assistant', trainable: true, token_ids: [1, 2], logprobs: [-1] })]);

    expect(toTokenSequence(trajectory)?.logprobs).toBeNull();
  });

  it('given a turn of 300,000 tokens, then it is concatenated without exceeding the engine argument limit', () => {
    const ids = Array.from({ length: 300_000 }, (_, i) => i % 50_000);
    const trajectory = buildTrajectory([turn(0, { role: 'user', token_ids: [9] }), turn(1, { role: 'assistant', trainable: true, token_ids: ids, logprobs: ids.map(() => -0.5) })]);

    const sequence = toTokenSequence(trajectory);
    expect(sequence?.token_ids).toHaveLength(300_001);
    expect(sequence?.token_ids[300_000]).toBe(ids[299_999]);
    expect(sequence?.logprobs?.slice(0, 2)).toEqual([0, -0.5]);
    expect(toLossMask(trajectory)).toEqual(sequence?.loss_mask);
  });

  it('given several tokenized turns, then toLossMask equals the loss mask of toTokenSequence', () => {
    const trajectory = buildTrajectory([
      turn(0, { role: 'system', token_ids: [1, 2] }),
      turn(1, { role: 'user', token_ids: [] }),
      turn(2, { role: 'assistant', trainable: true, token_ids: [3, 4, 5], logprobs: null }),
      turn(3, { role: 'tool', token_ids: [6] }),
    ]);

    expect(toLossMask(trajectory)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(toLossMask(trajectory)).toEqual(toTokenSequence(trajectory)?.loss_mask);
  });
});
