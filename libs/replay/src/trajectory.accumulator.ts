import type { RolloutEvent } from '@rollout-ledger/contracts';
import { TrajectoryBuilder, type Trajectory } from '@rollout-ledger/trajectory';

/**
 * Folds a stream of rollout events into one trajectory per rollout with the materializer's own
 * projection (TrajectoryBuilder: the same result as folding evolveTrajectory, without copying the
 * state per event), so a replayed trajectory is exactly what the history tables show.
 * The fold is order-independent, so partitions may be read in any interleaving.
 */
export class TrajectoryAccumulator {
  private readonly byRollout = new Map<string, TrajectoryBuilder>();
  private ignored = 0;

  /** Only events of this run are kept when set. */
  constructor(private readonly runId?: string) {}

  add(event: RolloutEvent): void {
    const data = event.data;
    if (this.runId !== undefined && data.run_id !== this.runId) {
      this.ignored += 1;
      return;
    }
    let builder = this.byRollout.get(data.rollout_id);
    if (builder === undefined) {
      builder = new TrajectoryBuilder(data.rollout_id);
      this.byRollout.set(data.rollout_id, builder);
    }
    builder.apply(event);
  }

  get size(): number {
    return this.byRollout.size;
  }

  /** Events left out by the run filter. */
  get ignoredEvents(): number {
    return this.ignored;
  }

  /** Rollout ids sorted, so scoring and publishing happen in a deterministic order. */
  rolloutIds(): string[] {
    return [...this.byRollout.keys()].sort();
  }

  /** Hands the trajectory over and forgets it: memory falls as scoring proceeds. */
  take(rolloutId: string): Trajectory | undefined {
    const builder = this.byRollout.get(rolloutId);
    this.byRollout.delete(rolloutId);
    return builder?.build();
  }
}
