import { parseLeaseEnd, parseLeaseRequest, parsePolicyVersionReport } from './lease-request.parser';

const limits = { defaultTimeoutS: 600, maxTimeoutS: 3_600 };

describe('lease request parsing', () => {
  it('given a trainer id only, then the default lease timeout applies', () => {
    expect(parseLeaseRequest({ trainer_id: 'gpu-0' }, limits)).toEqual({ trainerId: 'gpu-0', leaseTimeoutS: 600 });
  });

  it('given every field, then all are kept', () => {
    expect(parseLeaseRequest({ trainer_id: 'gpu-0', lease_timeout_s: 1.5, run_id: 'run-1', policy_version: 4 }, limits)).toEqual({
      trainerId: 'gpu-0',
      leaseTimeoutS: 1.5,
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

  it('given ack and policy-version bodies, then they are parsed or refused', () => {
    expect(parseLeaseEnd({ lease_id: 'l-1', reason: 'oom' })).toEqual({ leaseId: 'l-1', reason: 'oom' });
    expect(() => parseLeaseEnd({})).toThrow('lease_id is required');
    expect(parsePolicyVersionReport({ policy_version: 3 })).toEqual({ policyVersion: 3, runId: null });
    expect(() => parsePolicyVersionReport({ policy_version: '3' })).toThrow('policy_version must be an integer ≥ 0');
  });
});
