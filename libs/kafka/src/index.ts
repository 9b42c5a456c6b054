// The only door into the Kafka adapter: kafkajs and the registry client stay behind it.
export * from './dead-letter.publisher';
export * from './event-serde';
export * from './partition-offsets';
export * from './in-memory-schema-registry';
export { kafkaError, type KafkaConnectionOptions } from './kafka-connection';
export * from './ledger-consumer';
export * from './ledger-producer';
export * from './schema-registry.client';
export * from './subject-naming';
export * from './topic-admin';
export * from './wire-format';
