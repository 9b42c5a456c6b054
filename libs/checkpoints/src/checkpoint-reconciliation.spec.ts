import { describePlan, planReconciliation, type PartitionRange, type StoredCheckpoint } from './checkpoint-reconciliation';
import { knexQuery } from './checkpoint-reconciler';

const stored = (partition: number, nextOffset: bigint, topic = 'rollout.events'): StoredCheckpoint => ({ topic, partition, nextOffset });
const range = (partition: number, low: bigint, high: bigint, topic = 'rollout.events'): PartitionRange => ({ topic, partition, low, high });

describe('planReconciliation', () => {
  it('keeps checkpoints inside their partition, including one at the very end', () => {
    const plan = planReconciliation({ stored: [stored(0, 0n), stored(1, 40n), stored(2, 100n)], ranges: [range(0, 0n, 10n), range(1, 0n, 100n), range(2, 0n, 100n)], recordedClusterId: 'A', clusterId: 'A' });
    expect(plan).toEqual({ resets: [], gaps: [], recordCluster: false });
  });

  it('resets a checkpoint beyond the high watermark to the partition start (the topic was recreated)', () => {
    const plan = planReconciliation({ stored: [stored(0, 500n), stored(1, 7n)], ranges: [range(0, 3n, 20n), range(1, 0n, 20n)], recordedClusterId: 'A', clusterId: 'A' });
    expect(plan.resets).toEqual([{ topic: 'rollout.events', partition: 0, from: 500n, to: 3n, reason: 'beyond_end' }]);
    expect(plan.gaps).toEqual([]);
  });

  it('resets the checkpoint of a partition that no longer exists to 0, and leaves one already at 0 alone', () => {
    const plan = planReconciliation({ stored: [stored(0, 5n), stored(5, 90n), stored(6, 0n)], ranges: [range(0, 0n, 10n)], recordedClusterId: 'A', clusterId: 'A' });
    expect(plan.resets).toEqual([{ topic: 'rollout.events', partition: 5, from: 90n, to: 0n, reason: 'partition_gone' }]);
  });

  it('resets every checkpoint not already at the start when the cluster changed, even those inside the range', () => {
    const plan = planReconciliation({
      stored: [stored(0, 5n), stored(1, 2n), stored(2, 900n), stored(0, 1n, 'task.definitions')],
      ranges: [range(0, 0n, 10n), range(1, 2n, 10n), range(2, 0n, 10n)],
      recordedClusterId: 'old',
      clusterId: 'new',
    });
    expect(plan.resets).toEqual([
      { topic: 'rollout.events', partition: 0, from: 5n, to: 0n, reason: 'cluster_changed' },
      { topic: 'rollout.events', partition: 2, from: 900n, to: 0n, reason: 'cluster_changed' },
      { topic: 'task.definitions', partition: 0, from: 1n, to: 0n, reason: 'cluster_changed' },
    ]);
    expect(plan.recordCluster).toBe(true);
  });

  it('records the cluster on the first start without resetting anything (a database from before cluster ids were recorded)', () => {
    const plan = planReconciliation({ stored: [stored(0, 5n)], ranges: [range(0, 0n, 10n)], recordedClusterId: null, clusterId: 'A' });
    expect(plan).toEqual({ resets: [], gaps: [], recordCluster: true });
  });

  it('reports records deleted by retention before the group read them, without resetting', () => {
    const plan = planReconciliation({ stored: [stored(0, 5n)], ranges: [range(0, 12n, 30n)], recordedClusterId: 'A', clusterId: 'A' });
    expect(plan.resets).toEqual([]);
    expect(plan.gaps).toEqual([{ topic: 'rollout.events', partition: 0, nextOffset: 5n, low: 12n }]);
  });

  it('describes each reset and gap in one line that names the partition, the offsets and the cause', () => {
    const plan = planReconciliation({ stored: [stored(0, 500n), stored(1, 5n)], ranges: [range(0, 0n, 20n), range(1, 12n, 30n)], recordedClusterId: 'A', clusterId: 'A' });
    const lines = describePlan('materializer', 'A', 'A', plan);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('rollout.events/0 at offset 500 reset to 0');
    expect(lines[0]).toContain('beyond the end');
    expect(lines[1]).toContain('7 record(s) were deleted by retention');
    const moved = describePlan('g', 'new', 'old', planReconciliation({ stored: [stored(0, 5n)], ranges: [range(0, 0n, 9n)], recordedClusterId: 'old', clusterId: 'new' }));
    expect(moved).toEqual([expect.stringContaining('taken on Kafka cluster old, this is new')]);
  });
});

describe('knexQuery', () => {
  it('rewrites $n placeholders to positional bindings in the order they appear, repeating a reused one', async () => {
    const calls: [string, readonly unknown[]][] = [];
    const query = knexQuery({ raw: async (sql, bindings) => (calls.push([sql, bindings]), { rows: [{ ok: 1 }] }) });
    const result = await query('SELECT $2::int, $1::text WHERE x = $2 AND y = ANY($10)', ['a', 2, 3, 4, 5, 6, 7, 8, 9, 'ten']);
    expect(calls).toEqual([['SELECT ?::int, ?::text WHERE x = ? AND y = ANY(?)', [2, 'a', 2, 'ten']]]);
    expect(result.rows).toEqual([{ ok: 1 }]);
  });
});
