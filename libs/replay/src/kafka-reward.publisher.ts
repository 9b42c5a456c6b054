import type { RewardAssigned, TypedEvent } from '@rollout-ledger/contracts';
import type { LedgerProducer } from '@rollout-ledger/kafka';
import type { RewardPublisher } from './replay.ports';

/** Appends replayed rewards to rollout.events with the ledger's producer (keyed by group_id). */
export class KafkaRewardPublisher implements RewardPublisher {
  constructor(private readonly producer: LedgerProducer) {}

  async publish(events: readonly RewardAssigned[]): Promise<void> {
    await this.producer.publish(events.map((data): TypedEvent => ({ type: 'RewardAssigned', data })));
  }
}

/** Keeps what would be published (tests, and comparing two replays). */
export class CollectingRewardPublisher implements RewardPublisher {
  readonly events: RewardAssigned[] = [];

  async publish(events: readonly RewardAssigned[]): Promise<void> {
    this.events.push(...events);
  }
}
