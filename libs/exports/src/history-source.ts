import type { ExportPosition, HistoryPage, RolloutFilter, RolloutRepository } from '@rollout-ledger/query';
import type { Trajectory } from '@rollout-ledger/trajectory';

/**
 * Every matching trajectory, by (group_id, rollout_id), fetched one keyset page at a time. The
 * next page is requested as soon as the current one arrives, so the database works while this
 * page is rendered; at most two pages are in memory.
 */
export async function* trajectoriesOf(repository: RolloutRepository, filter: RolloutFilter, pageSize: number): AsyncGenerator<Trajectory> {
  let pending: Promise<HistoryPage> | null = repository.exportPage(filter, null, pageSize);
  try {
    while (pending !== null) {
      const page: HistoryPage = await pending;
      pending = page.next === null ? null : repository.exportPage(filter, page.next as ExportPosition, pageSize);
      yield* page.trajectories;
    }
  } finally {
    // A consumer that stops early (client gone) must not leave a rejected prefetch unhandled.
    pending?.catch(() => undefined);
  }
}

/** Consecutive trajectories of the same group (the source is ordered by group_id, so a group is contiguous). */
export async function* groupsOf(source: AsyncIterable<Trajectory>): AsyncGenerator<Trajectory[]> {
  let group: Trajectory[] = [];
  for await (const trajectory of source) {
    if (group.length > 0 && group[0]?.group_id !== trajectory.group_id) {
      yield group;
      group = [];
    }
    group.push(trajectory);
  }
  if (group.length > 0) yield group;
}
