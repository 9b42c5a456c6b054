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
});
