import { parseLeaseEnd, parseLeaseRequest, parsePolicyVersionReport } from './lease-request.parser';

const limits = { defaultTimeoutS: 600, maxTimeoutS: 3_600 };

describe('lease request parsing', () => {
  it('given a trainer id only, then the default lease timeout applies', () => {
    expect(parseLeaseRequest({ trainer_id: 'gpu-0' }, limits)).toEqual({ trainerId: 'gpu-0', leaseTimeoutS: 600, waitS: 0 });
  });

  it('given every field, then all are kept', () => {
    expect(parseLeaseRequest({ trainer_id: 'gpu-0', lease_timeout_s: 1.5, run_id: 'run-1', policy_version: 4, wait_s: 30 }, limits)).toEqual({
      trainerId: 'gpu-0',
      leaseTimeoutS: 1.5,
      waitS: 30,
      runId: 'run-1',
      policyVersion: 4,
    });
  });

  it('given bad fields, then one VALIDATION_FAILED names each', () => {
    expect(() => parseLeaseRequest({ lease_timeout_s: 7_200, policy_version: -1 }, limits)).toThrow(
      'invalid lease request: trainer_id is required; lease_timeout_s must be a number of seconds in (0, 3600]; policy_version must be an integer ≥ 0',
    );
    expect(() => parseLeaseRequest([], limits)).toThrow('the body must be a JSON object');
  });

  it('given a wait outside [0, 60] s or not a number, then wait_s is refused by name', () => {
    for (const wait_s of [-1, 61, '5', Number.NaN]) {
      expect(() => parseLeaseRequest({ trainer_id: 'gpu-0', wait_s }, limits)).toThrow('invalid lease request: wait_s must be a number of seconds in [0, 60]');
    }
    expect(parseLeaseRequest({ trainer_id: 'gpu-0', wait_s: 60 }, limits).waitS).toBe(60);
  });

  it('given ack and policy-version bodies, then they are parsed or refused', () => {
    expect(parseLeaseEnd({ lease_id: 'l-1', reason: 'oom' })).toEqual({ leaseId: 'l-1', reason: 'oom' });
    expect(() => parseLeaseEnd({})).toThrow('lease_id is required');
    expect(parsePolicyVersionReport({ policy_version: 3 })).toEqual({ policyVersion: 3, runId: null });
    expect(() => parsePolicyVersionReport({ policy_version: '3' })).toThrow('policy_version must be an integer ≥ 0');
  });
});
