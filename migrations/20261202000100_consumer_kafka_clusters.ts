import type { Knex } from 'knex';

/**
 * The Kafka cluster each consumer group's checkpoints were taken on. Offsets mean nothing on
 * another cluster: a group that finds a different cluster id at its start re-reads from the
 * beginning (deduplicated on event_id) instead of skipping everything below its old checkpoints.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consumer_kafka_clusters', (t) => {
    t.text('consumer_group').primary();
    t.text('kafka_cluster_id').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('consumer_kafka_clusters');
}
