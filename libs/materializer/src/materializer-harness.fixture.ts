import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import { loadConnectionConfig } from '@rollout-ledger/config';
import type { EventType, TypedEvent } from '@rollout-ledger/contracts';
import { LedgerProducer, createAdmin, ensureTopics, type TopicNames } from '@rollout-ledger/kafka';
import { generateWorkload, type Workload } from './synthetic-workload.fixture';

/** Test harness: random topics, publishing a workload, waiting on Postgres, reading a DLQ. */
export const stack = loadConnectionConfig();
export const kafkaConnection = { brokers: stack.KAFKA_BROKERS, clientId: 'materializer-it', logLevel: 'nothing' as const };

export function randomTopics(): TopicNames {
  const id = randomUUID().slice(0, 8);
  return {
    rolloutEvents: `it-mat-${id}.rollout.events`,
    rolloutEventsDlq: `it-mat-${id}.rollout.events.dlq`,
    taskDefinitions: `it-mat-${id}.task.definitions`,
    grpoBatches: `it-mat-${id}.grpo.batches`,
  };
}

export async function createTopics(names: TopicNames, partitions = 3): Promise<void> {
  const admin = createAdmin(kafkaConnection);
  await admin.connect();
  try {
    await ensureTopics(admin, { partitions, names });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics and waits until Kafka no longer lists them (so they can be created anew). */
export async function deleteTopics(names: TopicNames): Promise<void> {
  const admin = createAdmin(kafkaConnection);
  await admin.connect();
  try {
    const topics = Object.values(names);
    const present = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => present.has(t)) });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await admin.listTopics()).some((t) => topics.includes(t))) await sleep(200);
  } finally {
    await admin.disconnect();
  }
}

export function topicsByType(names: TopicNames): Record<EventType, string> {
  return {
    RolloutStarted: names.rolloutEvents,
    TurnRecorded: names.rolloutEvents,
    ToolCallRecorded: names.rolloutEvents,
    RewardAssigned: names.rolloutEvents,
    RolloutCompleted: names.rolloutEvents,
    TaskDefined: names.taskDefinitions,
    BatchAssembled: names.grpoBatches,
  };
}

export interface PublishedWorkload extends Workload {
  readonly events: readonly TypedEvent[];
  readonly scope: { readonly rolloutIds: readonly string[]; readonly taskIds: readonly string[] };
}

export function workloadEvents(workload: Workload): PublishedWorkload {
  const events: TypedEvent[] = [...workload.tasks.map((data) => ({ type: 'TaskDefined', data }) as TypedEvent), ...workload.rolloutEvents];
  return { ...workload, events, scope: { rolloutIds: workload.rolloutIds, taskIds: workload.tasks.map((t) => t.task_id) } };
}

export function newWorkload(groups: number, groupSize = 4, maxTurns = 8): PublishedWorkload {
  return workloadEvents(generateWorkload({ tag: `it-${randomUUID().slice(0, 8)}`, groups, groupSize, maxTurns, seed: groups }));
}

export async function publish(names: TopicNames, events: readonly TypedEvent[], chunk = 500): Promise<void> {
  const producer = new LedgerProducer({ ...kafkaConnection, registryUrl: stack.SCHEMA_REGISTRY_URL, topics: topicsByType(names) });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += chunk) await producer.publish(events.slice(i, i + chunk));
  } finally {
    await producer.disconnect();
  }
}

/** Bytes that are not an event of ours, straight onto a topic. */
export async function publishRaw(topic: string, messages: { key: string; value: Buffer }[]): Promise<void> {
  const producer = new Kafka({ brokers: [...stack.KAFKA_BROKERS], clientId: 'materializer-it-raw', logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

export async function readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const consumer = new Kafka({ brokers: [...stack.KAFKA_BROKERS], clientId: 'materializer-it-read', logLevel: logLevel.NOTHING }).consumer({ groupId: `it-read-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count && Date.now() < deadline) await sleep(200);
    await sleep(500); // anything beyond `count` would show up now
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the scope's events are all in Postgres (or the deadline passes); returns the count. */
export async function waitForEvents(pool: Pool, scope: PublishedWorkload['scope'], expected: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    count = await countEvents(pool, scope);
    if (count >= expected) return count;
    await sleep(250);
  }
  return count;
}

export async function countEvents(pool: Pool, scope: PublishedWorkload['scope']): Promise<number> {
  const result = await pool.query<{ n: string }>(
    `select count(*) as n from events where rollout_id = any($1) or (event_type = 'TaskDefined' and payload->>'task_id' = any($2))`,
    [[...scope.rolloutIds], [...scope.taskIds]],
  );
  return Number(result.rows[0].n);
}

/** One row per event_id means no duplicate; also checks no rollout child row is doubled (keys are unique). */
export async function duplicateEventIds(pool: Pool, scope: PublishedWorkload['scope']): Promise<number> {
  const result = await pool.query<{ n: string }>(`select count(*) - count(distinct event_id) as n from events where rollout_id = any($1)`, [[...scope.rolloutIds]]);
  return Number(result.rows[0].n);
}
