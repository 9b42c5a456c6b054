import type { RewardAssigned, RolloutEvent, TaskDefined } from '@rollout-ledger/contracts';

export interface ReplayReadHandlers {
  onTask(task: TaskDefined): void;
  onEvent(event: RolloutEvent): void;
  /** `total` is the number of records in the range when the source knows it up front. */
  onProgress(read: number, total: number | null): void;
}

export interface ReadSummary {
  /** Rollout events handed to onEvent. */
  readonly events_read: number;
  readonly tasks_read: number;
  /** Records that did not decode (they are the dead-letter topic's business, not replay's). */
  readonly undecodable: number;
  /** Anything worth telling the user about the range, e.g. a partition ended short of its end offset. */
  readonly notes: readonly string[];
}

/** Where replay reads from: Kafka (offsets/timestamps) or the Postgres event log. */
export interface ReplayInput {
  readonly description: string;
  read(handlers: ReplayReadHandlers): Promise<ReadSummary>;
}

/** Where new RewardAssigned(source=replay) events go (LedgerProducer onto rollout.events). */
export interface RewardPublisher {
  publish(events: readonly RewardAssigned[]): Promise<void>;
}

export interface ReplayProgress {
  reading(read: number, total: number | null): void;
  scoring(done: number, total: number, published: number): void;
  done(): void;
}

export const silentProgress: ReplayProgress = { reading: () => undefined, scoring: () => undefined, done: () => undefined };
