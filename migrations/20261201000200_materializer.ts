import type { Knex } from 'knex';

/**
 * What the materializer needs beyond the history tables: the stamp (event id) of the event that
 * set a rollout's start and completion columns, so a second RolloutStarted / RolloutCompleted for
 * the same rollout is settled the same way whatever order they arrive in, and a status derived
 * from them (one definition, queryable and indexable).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rollouts', (t) => {
    t.text('started_event_id');
    t.text('completed_event_id');
  });
  await knex.raw(`ALTER TABLE rollouts ADD COLUMN status text GENERATED ALWAYS AS (CASE WHEN completed_event_id IS NULL THEN 'running' ELSE 'completed' END) STORED`);
  await knex.schema.alterTable('rollouts', (t) => {
    t.index(['run_id', 'status'], 'rollouts_run_status_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rollouts', (t) => {
    t.dropIndex(['run_id', 'status'], 'rollouts_run_status_idx');
    t.dropColumn('status');
    t.dropColumn('completed_event_id');
    t.dropColumn('started_event_id');
  });
}
