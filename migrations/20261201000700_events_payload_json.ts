import type { Knex } from 'knex';

/**
 * `events.payload` as `json` instead of `jsonb`. The payload is the replay / audit copy of each
 * event: it is written once per event (the largest column the materializer writes) and read back
 * whole (GET /v1/rollouts/:id/events, store replay), never searched inside by an index. `json` is
 * validated on input but stored as the text, so COPY skips building jsonb's binary form; measured
 * here on 20k MUA-RL-shaped events (27.6 MB COPY text): 785 ms into a jsonb column vs 495 ms into
 * a json column, same indexes. Readers are unchanged: node-postgres parses json and jsonb alike,
 * and `->`/`->>` work on both. The rewrite also compacts the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb');
}
