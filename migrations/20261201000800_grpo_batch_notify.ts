import type { Knex } from 'knex';

/**
 * A notification on channel `rollout_ledger_grpo_batches` (payload: the assembler's name) whenever
 * a batch becomes available: created, or given back by a nack. Postgres delivers it when the
 * transaction commits, to every process that LISTENs, so a trainer long-polling
 * `POST /v1/batches/lease` on any instance is answered as soon as the batch is leasable instead of
 * on its next poll. Row trigger, filtered on the new status; notifications of one transaction with
 * the same payload are delivered once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function grpo_batch_available_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('rollout_ledger_grpo_batches', new.assembler);
      return null;
    end $$`);
  await knex.raw(`
    create trigger grpo_batch_available after insert or update of status on grpo_batches
    for each row when (new.status = 'available') execute function grpo_batch_available_notify()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists grpo_batch_available on grpo_batches');
  await knex.raw('drop function if exists grpo_batch_available_notify()');
}
