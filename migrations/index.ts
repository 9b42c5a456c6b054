import type { Knex } from 'knex';
import * as eventLogAndTrajectories from './20261201000100_event_log_and_trajectories';
import * as materializer from './20261201000200_materializer';
import * as queryIndexes from './20261201000300_query_indexes';
import * as grpoAssembler from './20261201000400_grpo_assembler';
import * as grpoReplayPositions from './20261201000600_grpo_replay_positions';
import * as eventsPayloadJson from './20261201000700_events_payload_json';
import * as grpoBatchNotify from './20261201000800_grpo_batch_notify';
import * as grpoStepStart from './20261201000900_grpo_step_start';
import * as grpoStepStartGroups from './20261201001000_grpo_step_start_groups';
import * as consumerKafkaClusters from './20261202000100_consumer_kafka_clusters';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration, in order. Listed explicitly (rather than read from a folder) so they compile
 * with the rest of the code and run the same from sources and from dist/. Append new ones here.
 */
export const migrations: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['20261201000100_event_log_and_trajectories', eventLogAndTrajectories],
  ['20261201000200_materializer', materializer],
  ['20261201000300_query_indexes', queryIndexes],
  ['20261201000400_grpo_assembler', grpoAssembler],
  ['20261201000600_grpo_replay_positions', grpoReplayPositions],
  ['20261201000700_events_payload_json', eventsPayloadJson],
  ['20261201000800_grpo_batch_notify', grpoBatchNotify],
  ['20261201000900_grpo_step_start', grpoStepStart],
  ['20261201001000_grpo_step_start_groups', grpoStepStartGroups],
  ['20261202000100_consumer_kafka_clusters', consumerKafkaClusters],
];
