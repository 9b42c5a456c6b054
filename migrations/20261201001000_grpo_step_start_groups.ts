import type { Knex } from 'knex';
import { up as createThreeArgumentStart } from './20261201000900_grpo_step_start';

/**
 * grpo_step_start also locks and returns the step's groups (kind 'group'), after the advisory lock
 * and in the same round trip: the step's first statement after BEGIN now reads everything it
 * decides on. Replaces the three-argument function.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function grpo_step_start(p_assembler text, p_topics text[], p_partitions integer[], p_groups text[])
    returns table (kind text, topic text, kafka_partition integer, next_offset bigint, trainer_id text, run_id text, policy_version bigint,
                   group_id text, status text, state jsonb)
    language plpgsql volatile as $$
    begin
      perform pg_advisory_xact_lock(1735553072, hashtext(p_assembler));
      return query
        select 'checkpoint'::text, c.topic, c.partition, c.next_offset, null::text, null::text, null::bigint, null::text, null::text, null::jsonb
          from consumer_checkpoints c
          join unnest(p_topics, p_partitions) as wanted(topic, kafka_partition)
            on c.topic = wanted.topic and c.partition = wanted.kafka_partition
         where c.consumer_group = p_assembler
        union all
        select 'trainer'::text, null::text, null::integer, null::bigint, t.trainer_id, t.run_id, t.policy_version, null::text, null::text, null::jsonb
          from grpo_trainers t
         where t.assembler = p_assembler and t.policy_version is not null;
      -- Locked after the advisory lock, as the separate select … for update did.
      return query
        select 'group'::text, g.kafka_topic, g.kafka_partition, g.first_offset, null::text, null::text, null::bigint, g.group_id, g.status, g.state
          from grpo_groups g
         where g.assembler = p_assembler and g.group_id = any(p_groups)
           for update;
    end $$`);
  await knex.raw('drop function grpo_step_start(text, text[], integer[])');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists grpo_step_start(text, text[], integer[], text[])');
  await createThreeArgumentStart(knex);
}
