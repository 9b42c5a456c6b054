import type { Knex } from 'knex';
import * as eventLogAndTrajectories from './20261201000100_event_log_and_trajectories';

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
];
