import type { Knex } from 'knex';

/**
 * The start of a GRPO assembler step in one round trip: takes the assembler's advisory lock (class
 * 0x67727030, "grp0": one state-changing writer per assembler across processes), then returns the
 * checkpoints of the step's partitions and the trainers' policy versions. Volatile plpgsql, so
 * under READ COMMITTED the query after the lock takes its own snapshot and sees everything
 * committed by the previous holder. Before, these were three statements, each a socket write that
 * woke a backend and waited behind the assembler's busy event loop.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function grpo_step_start(p_assembler text, p_topics text[], p_partitions integer[])
    returns table (kind text, topic text, kafka_partition integer, next_offset bigint, trainer_id text, run_id text, policy_version bigint)
    language plpgsql volatile as $$
    begin
      perform pg_advisory_xact_lock(1735553072, hashtext(p_assembler));
      return query
        select 'checkpoint'::text, c.topic, c.partition, c.next_offset, null::text, null::text, null::bigint
          from consumer_checkpoints c
          join unnest(p_topics, p_partitions) as wanted(topic, kafka_partition)
            on c.topic = wanted.topic and c.partition = wanted.kafka_partition
         where c.consumer_group = p_assembler
        union all
        select 'trainer'::text, null::text, null::integer, null::bigint, t.trainer_id, t.run_id, t.policy_version
          from grpo_trainers t
         where t.assembler = p_assembler and t.policy_version is not null;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists grpo_step_start(text, text[], integer[])');
}
