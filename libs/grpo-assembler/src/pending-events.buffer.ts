import type { RolloutEvent } from '@rollout-ledger/contracts';
import type { GroupState } from '@rollout-ledger/grpo';
import type { RenderedGroup } from './rendered-group';

interface BufferedGroup {
  readonly partition: string;
  readonly firstOffset: bigint;
  readonly events: Map<string, RolloutEvent>;
  /** Its grpo_groups row is committed (until then every step must look the row up and create it). */
  persisted: boolean;
  /** Its payload rows rendered from the events held now; a new event voids it. */
  rendered: RenderedGroup | null;
}

/** Where an undecided group's events start, as its row in grpo_groups records it. */
export interface GroupPosition {
  readonly group_id: string;
  readonly kafka_topic: string | null;
  readonly kafka_partition: number | null;
  readonly first_offset: string | number | null;
  readonly state: GroupState;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The events (turns included) of groups not yet batched or filtered, held in memory only: they are
 * needed once, to build the batch payload, and Kafka still has them. After a restart they are
 * re-read from each partition's replay-from offset (the first offset of its oldest undecided
 * group, committed to Kafka as the consumer offset), so nothing here has to survive a crash.
 * Adding is idempotent by event_id, because re-reads and retried transactions add events again.
 */
export class PendingEventsBuffer {
  private readonly groups = new Map<string, BufferedGroup>();
  /** Per partition: the offset its contiguous reading in this process started at. */
  private readonly coveredFrom = new Map<string, bigint>();

  get groupCount(): number {
    return this.groups.size;
  }

  /** True the first time a partition is read by this process: the caller checks that its reading starts early enough. */
  startReading(topic: string, partition: number, firstOffset: bigint): boolean {
    const key = partitionKey(topic, partition);
    if (this.coveredFrom.has(key)) return false;
    this.coveredFrom.set(key, firstOffset);
    return true;
  }

  add(topic: string, partition: number, offset: bigint, event: RolloutEvent): void {
    const groupId = event.data.group_id;
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = { partition: partitionKey(topic, partition), firstOffset: offset, events: new Map(), persisted: false, rendered: null };
      this.groups.set(groupId, group);
    }
    if (group.events.has(event.data.event_id)) return;
    group.events.set(event.data.event_id, event);
    group.rendered = null;
  }

  /** The group's payload rows as last rendered, unless an event arrived since (or it is not held). */
  renderedOf(groupId: string): RenderedGroup | null {
    return this.groups.get(groupId)?.rendered ?? null;
  }

  /** Keeps rows rendered from the events held now (ignored for a group not held). */
  keepRendered(groupId: string, rendered: RenderedGroup): void {
    const group = this.groups.get(groupId);
    if (group !== undefined) group.rendered = rendered;
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  isPersisted(groupId: string): boolean {
    return this.groups.get(groupId)?.persisted === true;
  }

  markPersisted(groupIds: Iterable<string>): void {
    for (const groupId of groupIds) {
      const group = this.groups.get(groupId);
      if (group !== undefined) group.persisted = true;
    }
  }

  firstOffsetOf(groupId: string): bigint | undefined {
    return this.groups.get(groupId)?.firstOffset;
  }

  eventsOf(groupId: string): RolloutEvent[] {
    return [...(this.groups.get(groupId)?.events.values() ?? [])];
  }

  drop(groupIds: Iterable<string>): void {
    for (const groupId of groupIds) this.groups.delete(groupId);
  }

  /**
   * Whether this process can build the group's trajectories: it read the group's partition from
   * before the group's first event, and it holds every fact the stored state was folded from. The
   * second test catches a group whose partition moved to another instance, which applied events
   * this buffer never saw; such a group is left to its partition's owner.
   */
  canBuild(group: GroupPosition): boolean {
    const buffered = this.groups.get(group.group_id);
    if (buffered === undefined) return false;
    if (group.kafka_topic !== null && group.kafka_partition !== null && group.first_offset !== null) {
      const from = this.coveredFrom.get(partitionKey(group.kafka_topic, group.kafka_partition));
      if (from === undefined || from > BigInt(group.first_offset)) return false;
    }
    return group.state.seen_event_ids.every((id) => buffered.events.has(id));
  }

  /** The offset a restart must read this partition from: its oldest buffered group's first event, else the checkpoint. */
  replayFrom(topic: string, partition: number, checkpoint: bigint): bigint {
    const key = partitionKey(topic, partition);
    let from = checkpoint;
    for (const group of this.groups.values()) if (group.partition === key && group.firstOffset < from) from = group.firstOffset;
    return from;
  }
}
