import type { Knex } from 'knex';

/**
 * Indexes of the query API and exports. Exports walk rollouts by (group_id, rollout_id) keyset
 * pages so a group's members arrive together (advantages and DPO pairs are per group); with a
 * run filter the (run_id, group_id, rollout_id) index keeps every page a range scan instead of a
 * sort of the whole run. The rollout list pages by rollout_id within a run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists rollouts_group_rollout_idx on rollouts (group_id, rollout_id)');
  await knex.raw('create index if not exists rollouts_run_group_rollout_idx on rollouts (run_id, group_id, rollout_id)');
  await knex.raw('create index if not exists rollouts_run_rollout_idx on rollouts (run_id, rollout_id)');
  await knex.raw('create index if not exists rollouts_domain_task_idx on rollouts (domain, task_id, policy_version)');
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['rollouts_group_rollout_idx', 'rollouts_run_group_rollout_idx', 'rollouts_run_rollout_idx', 'rollouts_domain_task_idx']) {
    await knex.raw(`drop index if exists ${index}`);
  }
}
