import { trainerVersionFor, versionsFingerprint } from './trainer-versions';

describe('trainer versions', () => {
  const versions = [
    { trainer_id: 't-a', run_id: 'run-1', policy_version: 12 },
    { trainer_id: 't-b', run_id: null, policy_version: 9 },
    { trainer_id: 't-c', run_id: 'run-2', policy_version: 30 },
  ];

  it('given trainers of several runs, then a run is measured against the newest of its own and the run-less ones', () => {
    expect(trainerVersionFor(versions, 'run-1')).toBe(12);
    expect(trainerVersionFor(versions, 'run-3')).toBe(9);
    expect(trainerVersionFor([], 'run-1')).toBeUndefined();
  });

  it('given the same versions in another order, then the fingerprint is equal, and differs when one moves', () => {
    expect(versionsFingerprint([...versions].reverse())).toBe(versionsFingerprint(versions));
    expect(versionsFingerprint([{ ...versions[0]!, policy_version: 13 }, ...versions.slice(1)])).not.toBe(versionsFingerprint(versions));
  });
});
