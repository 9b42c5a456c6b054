import { isLedgerError, ValidationError } from '@rollout-ledger/contracts';
import { decodeCursor, encodeCursor } from './rollout-cursor';
import { parseCurriculumRequest, parseRolloutListRequest } from './query-requests';
import { parsePolicyVersionRange } from './rollout-filter';

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a ValidationError');
}

describe('rollout filters', () => {
  it('parses every filter into typed values', () => {
    const request = parseRolloutListRequest(
      { run_id: 'r', policy_version: '3..7', reward_fn: 'db-hash@1', min_reward: '0.5', has_tool_error: 'false', since: '2026-01-01T00:00:00Z', until: '1767312000000', limit: '20' },
      500,
    );
    expect(request).toEqual({
      filter: {
        run_id: 'r',
        min_policy_version: 3,
        max_policy_version: 7,
        reward_fn: { name: 'db-hash', version: '1' },
        min_reward: 0.5,
        has_tool_error: false,
        since: Date.UTC(2026, 0, 1),
        until: 1767312000000,
      },
      limit: 20,
    });
  });

  it('reads policy versions as N, A..B or open ranges', () => {
    expect(parsePolicyVersionRange('7')).toEqual({ min: 7, max: 7 });
    expect(parsePolicyVersionRange('3..')).toEqual({ min: 3, max: undefined });
    expect(parsePolicyVersionRange('..9')).toEqual({ min: undefined, max: 9 });
    expect(() => parsePolicyVersionRange('3-7')).toThrow(/N or A..B/);
  });

  it('names every bad, inverted or unknown parameter', () => {
    expect(issuesOf(() => parseRolloutListRequest({ min_reward: 'x', since: 'yesterday-ish', limit: '9999', colour: 'red' }, 500))).toEqual([
      'min_reward', 'since', 'limit', 'colour',
    ]);
    expect(issuesOf(() => parseRolloutListRequest({ min_policy_version: '9', max_policy_version: '3' }, 500))).toEqual(['min_policy_version']);
    expect(issuesOf(() => parseRolloutListRequest({ run_id: ['a', 'b'] }, 500))).toEqual(['run_id']);
  });

  it('round-trips the opaque cursor and refuses a forged one', () => {
    expect(decodeCursor(encodeCursor({ rollout_id: 'r-9' }))).toEqual({ rollout_id: 'r-9' });
    expect(issuesOf(() => decodeCursor('not-a-cursor'))).toEqual(['cursor']);
  });

  it('builds curriculum windows and checks thresholds', () => {
    expect(parseCurriculumRequest({ window: 'policy_versions', last: '3', hi: '0.8' }).options).toEqual({ window: { kind: 'policy_versions', last: 3 }, hi: 0.8 });
    expect(parseCurriculumRequest({}).options).toEqual({ window: { kind: 'all' } });
    expect(issuesOf(() => parseCurriculumRequest({ window: 'attempts', hi: '0.2', lo: '0.5' }))).toEqual(['last', 'lo']);
  });
});
