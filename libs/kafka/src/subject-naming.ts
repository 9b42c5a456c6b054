import { EVENT_NAMESPACE, type EventType } from '@rollout-ledger/contracts';

/**
 * Registry subject of an event type published on a topic: TopicRecordNameStrategy,
 * `<topic>-<namespace>.<Name>` (e.g. `rollout.events-rolloutledger.events.TurnRecorded`).
 *
 * Why this strategy: rollout.events carries five record types. The Confluent default
 * (TopicNameStrategy, `<topic>-value`) would put all five into one subject, where each new type
 * "breaks" compatibility with the previous one; RecordNameStrategy (`<namespace>.<Name>`, the
 * @kafkajs client's default) would share one compatibility history between every topic that ever
 * carries the type. Topic + record name gives each (topic, type) pair its own BACKWARD-checked
 * history, and it is what Java/Python serializers produce when configured with
 * `value.subject.name.strategy=TopicRecordNameStrategy`, so their consumers find the same subjects.
 */
export function topicRecordSubject(topic: string, type: EventType): string {
  return `${topic}-${EVENT_NAMESPACE}.${type}`;
}
