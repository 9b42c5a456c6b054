import { isRolloutEventType, type RolloutEvent, type TaskDefined } from '@rollout-ledger/contracts';
import type { ConsumedRecord, EventSerde, KafkaConnectionOptions } from '@rollout-ledger/kafka';
import { describeBound, type ReplayBound } from './replay-bounds';
import { planTopicRange, rangeSize, withAdmin } from './kafka-range.plan';
import { readKafkaRanges } from './kafka-range.reader';
import type { ReadSummary, ReplayInput, ReplayReadHandlers } from './replay.ports';

export interface KafkaReplayInputOptions {
  readonly connection: KafkaConnectionOptions;
  readonly serde: EventSerde;
  readonly eventsTopic: string;
  readonly tasksTopic: string;
  readonly from?: ReplayBound;
  readonly to?: ReplayBound;
  readonly groupId: string;
  readonly idleTimeoutMs: number;
}

/** Replay input from Kafka: the rollout events in the range, and all of task.definitions (compacted). */
export class KafkaReplayInput implements ReplayInput {
  constructor(private readonly options: KafkaReplayInputOptions) {}

  get description(): string {
    const { eventsTopic, tasksTopic, from, to } = this.options;
    return `kafka ${eventsTopic} [${describeBound(from)} → ${describeBound(to)}), tasks from ${tasksTopic}`;
  }

  read(handlers: ReplayReadHandlers): Promise<ReadSummary> {
    const o = this.options;
    return withAdmin(o.connection, async (admin) => {
      const events = await planTopicRange(admin, o.eventsTopic, o.from, o.to);
      // Every definition: the compacted topic keeps the latest per task, whatever the range is.
      const tasks = await planTopicRange(admin, o.tasksTopic);
      const total = rangeSize(events) + rangeSize(tasks);
      let eventsRead = 0;
      let tasksRead = 0;
      let undecodable = 0;
      const onRecords = (records: readonly ConsumedRecord[]) => {
        for (const record of records) {
          if (record.kind === 'poison') {
            undecodable += 1;
          } else if (record.event.type === 'TaskDefined') {
            tasksRead += 1;
            handlers.onTask(record.event.data as TaskDefined);
          } else if (record.message.topic === o.eventsTopic && isRolloutEventType(record.event.type)) {
            eventsRead += 1;
            handlers.onEvent({ type: record.event.type, data: record.event.data } as RolloutEvent);
          }
        }
      };
      handlers.onProgress(0, total);
      const result = await readKafkaRanges(admin, o, [events, tasks], onRecords, (n) => handlers.onProgress(n, total));
      return { events_read: eventsRead, tasks_read: tasksRead, undecodable, notes: [...events.notes, ...result.notes] };
    });
  }
}
