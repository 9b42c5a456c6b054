import type { Knex } from 'knex';

/**
 * The audit trail (`events`, one row per distinct event_id with its Kafka coordinates) and the
 * trajectory tables the materializer projects into. Ids are text: producers choose them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.text('event_id').primary();
    t.text('event_type').notNullable();
    t.text('rollout_id');
    t.text('group_id');
    t.text('run_id');
    t.text('topic').notNullable();
    t.integer('partition').notNullable();
    t.bigInteger('offset').notNullable();
    t.integer('schema_id').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('payload').notNullable();
    t.index(['rollout_id', 'occurred_at'], 'events_rollout_idx');
    t.index(['run_id', 'occurred_at'], 'events_run_idx');
    t.index(['topic', 'partition', 'offset'], 'events_coordinates_idx');
  });

  await knex.schema.createTable('rollouts', (t) => {
    t.text('rollout_id').primary();
    t.text('run_id').notNullable();
    t.text('group_id').notNullable();
    // Start fields: null until RolloutStarted arrives (events of a rollout may come in any order).
    t.text('task_id');
    t.text('domain');
    t.integer('group_size');
    t.bigInteger('policy_version');
    t.integer('attempt');
    t.text('system_prompt');
    t.jsonb('tools');
    t.jsonb('user_simulator');
    t.jsonb('sampling');
    t.jsonb('labels');
    t.timestamp('started_at', { useTz: true });
    // Completion fields: null until RolloutCompleted arrives.
    t.text('termination_reason');
    t.integer('num_turns');
    t.text('final_state_hash');
    t.bigInteger('duration_ms');
    t.timestamp('completed_at', { useTz: true });
    // Counters over turns and tool calls, maintained from new events only (dedupe happens first).
    t.integer('turn_count').notNullable().defaultTo(0);
    t.integer('tool_call_count').notNullable().defaultTo(0);
    t.integer('tool_error_count').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['run_id', 'started_at', 'rollout_id'], 'rollouts_run_idx');
    t.index(['group_id'], 'rollouts_group_idx');
    t.index(['task_id', 'policy_version'], 'rollouts_task_idx');
    t.index(['started_at', 'rollout_id'], 'rollouts_started_idx');
  });

  await knex.schema.createTable('turns', (t) => {
    t.text('rollout_id').notNullable();
    t.integer('turn_index').notNullable();
    t.text('event_id').notNullable();
    t.text('role').notNullable();
    t.text('content');
    t.jsonb('tool_calls').notNullable();
    t.text('tool_call_id');
    t.text('name');
    t.boolean('trainable').notNullable();
    t.specificType('token_ids', 'integer[]');
    t.specificType('logprobs', 'real[]');
    t.bigInteger('policy_version');
    t.jsonb('usage');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.primary(['rollout_id', 'turn_index']);
  });

  await knex.schema.createTable('tool_calls', (t) => {
    t.text('rollout_id').notNullable();
    t.text('tool_call_id').notNullable();
    t.text('event_id').notNullable();
    t.text('name').notNullable();
    // Kept as the producer's JSON text so exports reproduce it byte for byte.
    t.text('arguments').notNullable();
    t.text('requestor').notNullable();
    t.integer('turn_index');
    t.text('result');
    t.text('error');
    t.text('status').notNullable();
    t.integer('latency_ms');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.primary(['rollout_id', 'tool_call_id']);
  });

  await knex.schema.createTable('rewards', (t) => {
    t.text('event_id').primary();
    t.text('rollout_id').notNullable();
    t.text('group_id').notNullable();
    t.text('run_id').notNullable();
    t.double('reward').notNullable();
    t.jsonb('components').notNullable();
    t.text('reward_fn').notNullable();
    t.text('reward_fn_version').notNullable();
    t.text('source').notNullable();
    t.jsonb('details');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One reward per rollout × function × version × source: recomputing appends a new version.
    t.unique(['rollout_id', 'reward_fn', 'reward_fn_version', 'source'], { indexName: 'rewards_identity_key' });
    t.index(['reward_fn', 'reward_fn_version', 'reward'], 'rewards_fn_idx');
  });

  await knex.schema.createTable('tasks', (t) => {
    t.text('task_id').primary();
    t.text('event_id').notNullable();
    t.text('domain').notNullable();
    t.text('description');
    t.text('user_instruction');
    t.jsonb('evaluation').notNullable();
    t.timestamp('defined_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['domain'], 'tasks_domain_idx');
  });

  // Where each consumer group stands in each partition, written in the same transaction as the
  // projection it covers: the next offset to read.
  await knex.schema.createTable('consumer_checkpoints', (t) => {
    t.text('consumer_group').notNullable();
    t.text('topic').notNullable();
    t.integer('partition').notNullable();
    t.bigInteger('next_offset').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['consumer_group', 'topic', 'partition']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['consumer_checkpoints', 'tasks', 'rewards', 'tool_calls', 'turns', 'rollouts', 'events']) {
    await knex.schema.dropTableIfExists(table);
  }
}
