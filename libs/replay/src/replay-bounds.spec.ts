import { isLedgerError } from '@rollout-ledger/contracts';
import { boundOffset, describeBound, parseReplayBound } from './replay-bounds';

describe('replay bounds', () => {
  it('reads partition:offset lists as offsets', () => {
    const bound = parseReplayBound('0:120, 2:95', '--from');
    expect(bound).toEqual({ kind: 'offsets', offsets: new Map([[0, 120n], [2, 95n]]) });
    expect(describeBound(bound)).toBe('0:120,2:95');
  });

  it('reads epoch milliseconds and ISO-8601 times as times', () => {
    expect(parseReplayBound('1767225600000', '--from')).toEqual({ kind: 'time', at: 1_767_225_600_000 });
    expect(parseReplayBound('2026-01-01T00:00:00Z', '--to')).toEqual({ kind: 'time', at: 1_767_225_600_000 });
  });

  it('refuses what is neither, and a partition named twice', () => {
    expect(() => parseReplayBound('yesterday-ish', '--from')).toThrow(/--from: "yesterday-ish" is neither/);
    let caught: unknown;
    try {
      parseReplayBound('0:1,0:2', '--to');
    } catch (error) {
      caught = error;
    }
    expect(isLedgerError(caught, 'REPLAY_OPTIONS_INVALID')).toBe(true);
  });

  it('maps a bound to one partition: its own offset, the time answer, or the watermark', () => {
    const offsets = parseReplayBound('1:40', '--from');
    expect(boundOffset(offsets, 1, 0n, undefined)).toBe(40n);
    expect(boundOffset(offsets, 2, 7n, undefined)).toBe(7n);
    expect(boundOffset({ kind: 'time', at: 5 }, 0, 0n, 33n)).toBe(33n);
    expect(boundOffset(undefined, 0, 99n, 33n)).toBe(99n);
  });
});
