import type { Knex } from 'knex';

/**
 * The GRPO assembler keeps the events of undecided groups in memory and rebuilds them from Kafka
 * after a restart (grpo_group_events is no longer written; a later migration can drop it). For that
 * each group row records where its first event sits, so the oldest offset still needed per
 * partition (the "replay-from" offset) is known in the same transaction as the checkpoint.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('grpo_groups', (t) => {
    t.text('kafka_topic');
    t.integer('kafka_partition');
    // Offset of the first event of the group the assembler applied; never moved afterwards.
    t.bigInteger('first_offset');
  });
  // Only undecided groups (pending, or ready and waiting for a batch) pin the replay-from offset.
  await knex.raw(
    `create index grpo_groups_replay_idx on grpo_groups (assembler, kafka_topic, kafka_partition, first_offset) where status in ('pending', 'ready')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists grpo_groups_replay_idx');
  await knex.schema.alterTable('grpo_groups', (t) => {
    t.dropColumn('first_offset');
    t.dropColumn('kafka_partition');
    t.dropColumn('kafka_topic');
  });
}
