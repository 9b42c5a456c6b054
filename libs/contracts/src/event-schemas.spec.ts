import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLedgerError } from './errors';
import { eventKey, EventTopics, Topics } from './topics';
import { exampleEvents } from './example-events';
import { findSchemasDir } from './event-schemas';

describe('findSchemasDir', () => {
  it('walks up from the source folder to the project root', () => {
    expect(findSchemasDir()).toBe(join(__dirname, '..', '..', '..', 'schemas'));
  });

  it('works from a compiled layout (dist/libs/contracts/src)', () => {
    const root = mkdtempSync(join(tmpdir(), 'ledger-schemas-'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'schemas'));
    const compiled = join(root, 'dist', 'libs', 'contracts', 'src');
    mkdirSync(compiled, { recursive: true });
    expect(findSchemasDir(compiled)).toBe(join(root, 'schemas'));
  });

  it('says where it looked when there is no schemas folder', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'ledger-none-'));
    let error: unknown;
    try {
      findSchemasDir(lonely);
    } catch (e) {
      error = e;
    }
    expect(isLedgerError(error, 'CONFIG_INVALID')).toBe(true);
  });
});

describe('topics and keys', () => {
  const e = exampleEvents({ group_id: 'g-9', task_id: 't-4', run_id: 'r-2' });

  it('keys rollout events by group, tasks by task, batches by run', () => {
    expect(eventKey('TurnRecorded', e.TurnRecorded)).toBe('g-9');
    expect(eventKey('RewardAssigned', e.RewardAssigned)).toBe('g-9');
    expect(eventKey('TaskDefined', e.TaskDefined)).toBe('t-4');
    expect(eventKey('BatchAssembled', e.BatchAssembled)).toBe('r-2');
  });

  it('routes each type to its topic', () => {
    expect(EventTopics.RolloutCompleted).toBe(Topics.rolloutEvents);
    expect(EventTopics.TaskDefined).toBe(Topics.taskDefinitions);
    expect(EventTopics.BatchAssembled).toBe(Topics.grpoBatches);
  });
});
