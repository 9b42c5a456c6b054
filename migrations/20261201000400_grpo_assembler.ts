import type { Knex } from 'knex';

/**
 * State of the GRPO batch assembler. Every row is keyed by `assembler` (its consumer group name) so
 * several assemblers with different settings (online vs replayed rewards, tests) share the tables
 * without seeing each other. Times the assembler decides on are epoch ms (bigint) from its injected
 * clock; audit times are timestamptz. The consumer position lives in `consumer_checkpoints`.
 */
export async function up(knex: Knex): Promise<void> {
  // One row per group: the folded GroupState (members with start, completion, rewards) and the decision.
  await knex.schema.createTable('grpo_groups', (t) => {
    t.text('assembler').notNullable();
    t.text('group_id').notNullable();
    t.text('run_id');
    // pending → ready → batched, or pending/ready → filtered.
    t.text('status').notNullable();
    t.jsonb('state').notNullable();
    // The ReadyGroup (ready, batched) or FilteredGroup (filtered) the pure evaluation returned.
    t.jsonb('decision');
    t.bigInteger('first_event_at');
    t.bigInteger('ready_at');
    t.text('batch_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['assembler', 'group_id']);
    t.index(['assembler', 'status', 'run_id', 'ready_at'], 'grpo_groups_status_idx');
    t.index(['assembler', 'status', 'first_event_at'], 'grpo_groups_timeout_idx');
  });

  // The events of groups not yet batched or filtered, to build trajectories from; deleted with the decision.
  await knex.schema.createTable('grpo_group_events', (t) => {
    t.text('assembler').notNullable();
    t.text('event_id').notNullable();
    t.text('group_id').notNullable();
    t.text('rollout_id').notNullable();
    t.text('event_type').notNullable();
    t.jsonb('payload').notNullable();
    t.primary(['assembler', 'event_id']);
    t.index(['assembler', 'group_id'], 'grpo_group_events_group_idx');
  });

  // Why each dropped group was dropped: the audit trail of the filters.
  await knex.schema.createTable('grpo_group_filters', (t) => {
    t.text('assembler').notNullable();
    t.text('group_id').notNullable();
    t.text('run_id');
    t.text('reason').notNullable();
    t.text('message').notNullable();
    t.jsonb('rollout_ids').notNullable();
    t.bigInteger('trainer_policy_version');
    t.timestamp('filtered_at', { useTz: true }).notNullable();
    t.primary(['assembler', 'group_id']);
    t.index(['assembler', 'run_id', 'filtered_at'], 'grpo_group_filters_run_idx');
    t.index(['assembler', 'reason'], 'grpo_group_filters_reason_idx');
  });

  await knex.schema.createTable('grpo_batches', (t) => {
    // Derived from (assembler, run_id, sequence, group_ids): re-assembling after a crash yields the same id.
    t.text('batch_id').primary();
    t.text('assembler').notNullable();
    t.text('run_id').notNullable();
    t.bigInteger('sequence').notNullable();
    t.text('event_id').notNullable();
    t.jsonb('group_ids').notNullable();
    t.jsonb('rollout_ids').notNullable();
    t.integer('member_count').notNullable();
    t.text('advantage_mode').notNullable();
    t.text('reward_fn').notNullable();
    t.text('reward_fn_version').notNullable();
    t.bigInteger('min_policy_version').notNullable();
    t.bigInteger('max_policy_version').notNullable();
    t.text('payload_jsonl').notNullable();
    t.text('payload_parquet').notNullable();
    // Latest ready_at of its groups: assembly latency = created_at − this.
    t.bigInteger('last_ready_at').notNullable();
    // available → leased → acked; an expired or nacked lease makes it available again.
    t.text('status').notNullable();
    t.text('lease_id');
    t.text('leased_by');
    t.timestamp('lease_expires_at', { useTz: true });
    t.integer('delivery_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    // Outbox: BatchAssembled is published after commit and retried until this is set.
    t.timestamp('published_at', { useTz: true });
    t.timestamp('acked_at', { useTz: true });
    t.unique(['assembler', 'run_id', 'sequence'], { indexName: 'grpo_batches_sequence_key' });
    t.index(['assembler', 'status', 'created_at'], 'grpo_batches_queue_idx');
  });
  await knex.raw('create index grpo_batches_outbox_idx on grpo_batches (assembler, created_at) where published_at is null');

  await knex.schema.createTable('grpo_batch_members', (t) => {
    t.text('batch_id').notNullable().references('batch_id').inTable('grpo_batches').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('rollout_id').notNullable();
    t.text('group_id').notNullable();
    t.text('task_id').notNullable();
    t.bigInteger('policy_version').notNullable();
    t.integer('attempt');
    t.double('reward').notNullable();
    t.double('advantage').notNullable();
    t.text('reward_event_id').notNullable();
    t.primary(['batch_id', 'position']);
    t.index(['rollout_id'], 'grpo_batch_members_rollout_idx');
  });

  // Every lease ever granted, so an audit can tell who held a batch when.
  await knex.schema.createTable('grpo_batch_leases', (t) => {
    t.text('lease_id').primary();
    t.text('batch_id').notNullable().references('batch_id').inTable('grpo_batches').onDelete('CASCADE');
    t.text('trainer_id').notNullable();
    t.timestamp('leased_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    // active → acked | nacked | expired (set when the batch is leased again after expiry).
    t.text('status').notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.text('reason');
    t.index(['batch_id', 'leased_at'], 'grpo_batch_leases_batch_idx');
  });

  // The latest policy version each trainer reported; staleness is measured against it.
  await knex.schema.createTable('grpo_trainers', (t) => {
    t.text('assembler').notNullable();
    t.text('trainer_id').notNullable();
    // Null: the trainer's version applies to every run of the assembler.
    t.text('run_id');
    t.bigInteger('policy_version');
    t.timestamp('reported_at', { useTz: true });
    t.timestamp('last_lease_at', { useTz: true });
    t.primary(['assembler', 'trainer_id']);
  });

  await knex.schema.createTable('grpo_policy_versions', (t) => {
    t.bigIncrements('id');
    t.text('assembler').notNullable();
    t.text('trainer_id').notNullable();
    t.text('run_id');
    t.bigInteger('policy_version').notNullable();
    t.timestamp('reported_at', { useTz: true }).notNullable();
    t.index(['assembler', 'trainer_id', 'reported_at'], 'grpo_policy_versions_trainer_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'grpo_policy_versions',
    'grpo_trainers',
    'grpo_batch_leases',
    'grpo_batch_members',
    'grpo_batches',
    'grpo_group_filters',
    'grpo_group_events',
    'grpo_groups',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
