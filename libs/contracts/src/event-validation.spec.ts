import { ValidationError } from './errors';
import { exampleEvents } from './example-events';
import { eventAvroType } from './event-schemas';
import { EVENT_TYPES, parseEventType } from './event-types';
import { contentIssues, validateEvent } from './event-validation';

describe('validateEvent', () => {
  const examples = exampleEvents();

  it.each(EVENT_TYPES)('accepts a complete %s', (type) => {
    expect(validateEvent(type, examples[type])).toEqual([]);
  });

  it('accepts a text-only turn: token fields, usage and per-turn policy version null', () => {
    const turn = { ...examples.TurnRecorded, token_ids: null, logprobs: null, policy_version: null, usage: null };
    expect(validateEvent('TurnRecorded', turn)).toEqual([]);
  });

  it('gives a dotted path and a reason for every bad field', () => {
    const bad = {
      ...examples.TurnRecorded,
      run_id: undefined,
      occurred_at: 1.5,
      role: 'bot',
      tool_calls: [{ id: 'c', name: 'n', arguments: { email: 'x' } }],
      token_ids: [1, 2.5],
      usage: { prompt_tokens: 3 },
    };
    expect(validateEvent('TurnRecorded', bad)).toEqual([
      { path: 'run_id', reason: 'expected string, got nothing (missing)' },
      { path: 'occurred_at', reason: 'expected long (safe integer), got number 1.5' },
      { path: 'role', reason: 'expected one of system|user|assistant|tool, got string "bot"' },
      { path: 'tool_calls[0].arguments', reason: 'expected string, got an object' },
      { path: 'token_ids[1]', reason: 'expected int (32-bit integer), got number 2.5' },
      { path: 'usage.completion_tokens', reason: 'expected int (32-bit integer), got nothing (missing)' },
    ]);
  });

  it('names nullable fields and map values in reasons and paths', () => {
    expect(validateEvent('TurnRecorded', { ...examples.TurnRecorded, content: 3 })).toEqual([
      { path: 'content', reason: 'expected null or string, got number 3' },
    ]);
    expect(validateEvent('RewardAssigned', { ...examples.RewardAssigned, components: { db_match: 'yes', 'a b': null } })).toEqual([
      { path: 'components.db_match', reason: 'expected double (number), got string "yes"' },
      { path: 'components["a b"]', reason: 'expected double (number), got null' },
    ]);
  });

  it('reports unknown fields unless told to allow them', () => {
    const typo = { ...examples.TurnRecorded, turn_idx: 2, tool_calls: [{ ...examples.TurnRecorded.tool_calls[0], type: 'function' }] };
    expect(validateEvent('TurnRecorded', typo)).toEqual([
      { path: 'turn_idx', reason: 'unknown field' },
      { path: 'tool_calls[0].type', reason: 'unknown field' },
    ]);
    expect(validateEvent('TurnRecorded', typo, { allowUnknownFields: true })).toEqual([]);
  });

  it('refuses a reward or reward component that is NaN or infinite (it would spread to every advantage of the group)', () => {
    expect(validateEvent('RewardAssigned', { ...examples.RewardAssigned, reward: Number.NaN, components: { db_match: 1, 'r actions': Number.NEGATIVE_INFINITY } })).toEqual([
      { path: 'reward', reason: 'must be a finite number, got NaN' },
      { path: 'components["r actions"]', reason: 'must be a finite number, got -Infinity' },
    ]);
    expect(contentIssues('RewardAssigned', { ...examples.RewardAssigned, reward: Number.POSITIVE_INFINITY })).toEqual([{ path: 'reward', reason: 'must be a finite number, got Infinity' }]);
    expect(contentIssues('RewardAssigned', { ...examples.RewardAssigned, reward: -0.5, components: { db_match: 0 } })).toEqual([]);
  });

  it('refuses a value that is not an object', () => {
    expect(validateEvent('RolloutCompleted', [1])).toEqual([{ path: '', reason: 'expected a RolloutCompleted object, got an array of 1' }]);
  });

  it('keeps timestamps as plain epoch-ms numbers (no logical type implementation)', () => {
    const type = eventAvroType('TaskDefined');
    const back = type.fromBuffer(type.toBuffer(examples.TaskDefined)) as { occurred_at: unknown };
    expect(back.occurred_at).toBe(examples.TaskDefined.occurred_at);
    expect(validateEvent('TaskDefined', { ...examples.TaskDefined, occurred_at: new Date() })[0]?.path).toBe('occurred_at');
  });
});

describe('parseEventType', () => {
  it('accepts a bare or fully qualified name', () => {
    expect(parseEventType('TurnRecorded')).toBe('TurnRecorded');
    expect(parseEventType('rolloutledger.events.RewardAssigned')).toBe('RewardAssigned');
  });

  it('throws a ValidationError listing the known types', () => {
    let error: unknown;
    try {
      parseEventType('TurnRecored');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    expect((error as ValidationError).message).toBe(
      'Unknown event type "TurnRecored"; known types: RolloutStarted, TurnRecorded, ToolCallRecorded, RewardAssigned, RolloutCompleted, TaskDefined, BatchAssembled',
    );
    expect((error as ValidationError).issues[0]?.path).toBe('type');
  });
});
