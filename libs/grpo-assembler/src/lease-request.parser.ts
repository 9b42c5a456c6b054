import { ValidationError, type FieldIssue } from '@rollout-ledger/contracts';

export interface LeaseRequest {
  readonly trainerId: string;
  readonly leaseTimeoutS: number;
  readonly runId?: string;
  /** A trainer may report its policy version with each lease instead of calling the trainers API. */
  readonly policyVersion?: number;
  /** Long poll: how long to wait for a batch when none is leasable now (0: answer at once). */
  readonly waitS: number;
}

/** The longest a lease request may wait for a batch (below common proxy and client idle timeouts). */
export const MAX_LEASE_WAIT_S = 60;

export interface LeaseEnd {
  readonly leaseId: string;
  readonly reason?: string;
}

export interface PolicyVersionReport {
  readonly policyVersion: number;
  readonly runId: string | null;
}

export function parseLeaseRequest(body: unknown, limits: { defaultTimeoutS: number; maxTimeoutS: number }): LeaseRequest {
  const input = asObject(body);
  const issues: FieldIssue[] = [];
  const trainerId = optionalString(input, 'trainer_id', issues);
  if (trainerId === undefined && !issues.length) issues.push({ path: 'trainer_id', reason: 'is required' });
  const timeout = input.lease_timeout_s ?? limits.defaultTimeoutS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > limits.maxTimeoutS) {
    issues.push({ path: 'lease_timeout_s', reason: `must be a number of seconds in (0, ${limits.maxTimeoutS}]` });
  }
  const runId = optionalString(input, 'run_id', issues);
  const policyVersion = optionalInteger(input, 'policy_version', issues);
  const wait = input.wait_s ?? 0;
  if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0 || wait > MAX_LEASE_WAIT_S) {
    issues.push({ path: 'wait_s', reason: `must be a number of seconds in [0, ${MAX_LEASE_WAIT_S}]` });
  }
  fail('lease request', issues);
  return {
    trainerId: trainerId as string,
    leaseTimeoutS: timeout as number,
    waitS: wait as number,
    ...(runId === undefined ? {} : { runId }),
    ...(policyVersion === undefined ? {} : { policyVersion }),
  };
}

export function parseLeaseEnd(body: unknown): LeaseEnd {
  const input = asObject(body);
  const issues: FieldIssue[] = [];
  const leaseId = optionalString(input, 'lease_id', issues);
  if (leaseId === undefined && !issues.length) issues.push({ path: 'lease_id', reason: 'is required' });
  const reason = optionalString(input, 'reason', issues);
  fail('ack/nack request', issues);
  return { leaseId: leaseId as string, ...(reason === undefined ? {} : { reason }) };
}

export function parsePolicyVersionReport(body: unknown): PolicyVersionReport {
  const input = asObject(body);
  const issues: FieldIssue[] = [];
  const policyVersion = optionalInteger(input, 'policy_version', issues);
  if (policyVersion === undefined && !issues.length) issues.push({ path: 'policy_version', reason: 'is required' });
  const runId = optionalString(input, 'run_id', issues);
  fail('policy version report', issues);
  return { policyVersion: policyVersion as number, runId: runId ?? null };
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('the body must be a JSON object', [{ path: '', reason: 'not an object' }]);
  return body as Record<string, unknown>;
}

function optionalString(input: Record<string, unknown>, field: string, issues: FieldIssue[]): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    issues.push({ path: field, reason: 'must be a non-empty string of at most 200 characters' });
    return undefined;
  }
  return value;
}

function optionalInteger(input: Record<string, unknown>, field: string, issues: FieldIssue[]): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    issues.push({ path: field, reason: 'must be an integer ≥ 0' });
    return undefined;
  }
  return value;
}

function fail(what: string, issues: readonly FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError(`invalid ${what}: ${issues.map((i) => `${i.path} ${i.reason}`).join('; ')}`, issues);
}
