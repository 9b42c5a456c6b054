import type { KafkaAdmin } from './topic-admin';

export interface PartitionOffsetRange {
  readonly topic: string;
  readonly partition: number;
  /** First offset still stored. */
  readonly low: bigint;
  /** High watermark: the offset the next record will get. */
  readonly high: bigint;
}

/** The id of the Kafka cluster the admin is connected to. */
export async function kafkaClusterId(admin: KafkaAdmin): Promise<string> {
  return (await admin.describeCluster()).clusterId;
}

/** Every partition's offset range, for each topic. */
export async function partitionRanges(admin: KafkaAdmin, topics: readonly string[]): Promise<PartitionOffsetRange[]> {
  const ranges: PartitionOffsetRange[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) ranges.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
  }
  return ranges;
}

/** Reads the cluster id and the partitions' offset ranges through one admin client. */
export function kafkaOffsetReader(admin: KafkaAdmin): { clusterId(): Promise<string>; ranges(topics: readonly string[]): Promise<PartitionOffsetRange[]> } {
  return { clusterId: () => kafkaClusterId(admin), ranges: (topics) => partitionRanges(admin, topics) };
}
