import { isLedgerError, type TaskDefined } from '@rollout-ledger/contracts';
import { parseTaskDefined, type TaskGroundTruth } from '@rollout-ledger/rewards';
import { compareStamps } from '@rollout-ledger/trajectory';

/**
 * The ground truth of every task, from TaskDefined events. A task defined twice keeps the later
 * definition by (occurred_at, event_id) — the same winner whatever order the events are read in.
 * A definition whose evaluation does not parse is kept as a problem, reported per rollout.
 */
export class TaskCatalog {
  private readonly latest = new Map<string, TaskDefined>();
  private parsed: Map<string, TaskGroundTruth | string> | null = null;

  add(task: TaskDefined): void {
    const current = this.latest.get(task.task_id);
    if (current === undefined || compareStamps(task, current) > 0) this.latest.set(task.task_id, task);
    this.parsed = null;
  }

  get size(): number {
    return this.latest.size;
  }

  /** The task, a string saying why its definition is unusable, or undefined when never defined. */
  lookup(taskId: string): TaskGroundTruth | string | undefined {
    if (this.parsed === null) this.parsed = new Map([...this.latest].map(([id, event]) => [id, parse(event)]));
    return this.parsed.get(taskId);
  }
}

function parse(event: TaskDefined): TaskGroundTruth | string {
  try {
    return parseTaskDefined(event);
  } catch (error) {
    if (isLedgerError(error)) return error.message;
    throw error;
  }
}
