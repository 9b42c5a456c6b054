import { isLeasable, leaseProblem } from './batch.record';

describe('batch lease rules', () => {
  it('given each status, then only available batches and expired leases are leasable', () => {
    expect(isLeasable({ status: 'available', lease_expires_at: null }, 100)).toBe(true);
    expect(isLeasable({ status: 'leased', lease_expires_at: 101 }, 100)).toBe(false);
    expect(isLeasable({ status: 'leased', lease_expires_at: 100 }, 100)).toBe(true);
    expect(isLeasable({ status: 'acked', lease_expires_at: 0 }, 100)).toBe(false);
  });

  it('given the current lease, then ack and nack are allowed; a repeated ack is fine, a nack after ack is not', () => {
    expect(leaseProblem({ status: 'leased', lease_id: 'l-1' }, 'l-1', 'ack')).toBeNull();
    expect(leaseProblem({ status: 'leased', lease_id: 'l-1' }, 'l-1', 'nack')).toBeNull();
    expect(leaseProblem({ status: 'acked', lease_id: 'l-1' }, 'l-1', 'ack')).toBeNull();
    expect(leaseProblem({ status: 'acked', lease_id: 'l-1' }, 'l-1', 'nack')).toBe('the batch is already acked');
  });

  it('given a lease that is not the current one, then it is refused with the reason', () => {
    expect(leaseProblem({ status: 'leased', lease_id: 'l-2' }, 'l-1', 'ack')).toBe('the batch was leased again since (lease expired or was nacked)');
    expect(leaseProblem({ status: 'available', lease_id: null }, 'l-1', 'ack')).toBe('the batch is not leased');
  });
});
