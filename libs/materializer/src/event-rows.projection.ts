import type { RolloutEnvelope, TypedEvent } from '@rollout-ledger/contracts';
import { ProjectionError } from './materializer.errors';
import type { EventOrigin, EventRow, RolloutPatch, RowWrites, TableRow } from './row-writes';

export const materializerProjection = { name: 'materializer-tables', version: 1 } as const;

/**
 * event → row writes, with no I/O. Each column is set by one event type only, and every conflict
 * on a row key is settled by the greater (occurred_at, event_id), so applying the writes of a
 * rollout's events in any order gives the same rows (see row-merge.ts). Throws ProjectionError for
 * an event the tables cannot hold: the consumer dead-letters it.
 */
export function projectEvent(event: TypedEvent, origin: EventOrigin): RowWrites {
  // Serialised once: the payload column, and the NUL check (JSON.stringify writes U+0000 in a value
  // or a key as the escape \u0000, so its absence from the text clears the whole event at once).
  const payload = JSON.stringify(event.data);
  if (payload.includes('\\u0000')) rejectNul(event.data, event.type);
  const row = tableRow(event);
  return { event: eventRow(event, origin, payload), rollout: rolloutPatch(event), row };
}

function eventRow(event: TypedEvent, origin: EventOrigin, payload: string): EventRow {
  const data = event.data as Partial<RolloutEnvelope> & { event_id: string; occurred_at: number; run_id?: string };
  return {
    event_id: data.event_id,
    event_type: event.type,
    rollout_id: data.rollout_id ?? null,
    group_id: data.group_id ?? null,
    run_id: data.run_id ?? null,
    topic: origin.topic,
    partition: origin.partition,
    offset: origin.offset,
    schema_id: origin.schemaId,
    occurred_at: checkedTime(data.occurred_at, 'occurred_at'),
    payload,
  };
}

function rolloutPatch(event: TypedEvent): RolloutPatch | null {
  switch (event.type) {
    case 'RolloutStarted': {
      const d = event.data;
      return {
        ...envelope(d),
        completion: null,
        start: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          task_id: d.task_id,
          domain: d.domain,
          group_size: d.group_size,
          policy_version: d.policy_version,
          attempt: d.attempt,
          system_prompt: d.system_prompt,
          tools: jsonText(d.tools, 'tools'),
          user_simulator: d.user_simulator === null ? null : JSON.stringify(d.user_simulator),
          sampling: d.sampling === null ? null : JSON.stringify(d.sampling),
          labels: JSON.stringify(d.labels),
        },
      };
    }
    case 'RolloutCompleted': {
      const d = event.data;
      return {
        ...envelope(d),
        start: null,
        completion: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          termination_reason: d.termination_reason,
          num_turns: d.num_turns,
          final_state_hash: d.final_state_hash,
          duration_ms: d.duration_ms,
        },
      };
    }
    case 'TurnRecorded':
    case 'ToolCallRecorded':
    case 'RewardAssigned':
      return { ...envelope(event.data), start: null, completion: null };
    case 'TaskDefined':
    case 'BatchAssembled':
      return null;
    default: {
      const unknown: never = event;
      throw new ProjectionError(`unknown event type ${(unknown as { type: string }).type}`);
    }
  }
}

function envelope(d: RolloutEnvelope): Pick<RolloutPatch, 'rollout_id' | 'run_id' | 'group_id'> {
  return { rollout_id: d.rollout_id, run_id: d.run_id, group_id: d.group_id };
}

function tableRow(event: TypedEvent): TableRow | null {
  switch (event.type) {
    case 'TurnRecorded': {
      const d = event.data;
      return {
        table: 'turns',
        row: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          rollout_id: d.rollout_id,
          turn_index: d.turn_index,
          role: d.role,
          content: d.content,
          tool_calls: JSON.stringify(d.tool_calls),
          tool_call_id: d.tool_call_id,
          name: d.name,
          trainable: d.trainable,
          token_ids: d.token_ids,
          logprobs: d.logprobs,
          policy_version: d.policy_version,
          usage: d.usage === null ? null : JSON.stringify(d.usage),
        },
      };
    }
    case 'ToolCallRecorded': {
      const d = event.data;
      return {
        table: 'tool_calls',
        row: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          rollout_id: d.rollout_id,
          tool_call_id: d.tool_call_id,
          name: d.name,
          arguments: d.arguments,
          requestor: d.requestor,
          turn_index: d.turn_index,
          result: d.result,
          error: d.error,
          status: d.status,
          latency_ms: d.latency_ms,
        },
      };
    }
    case 'RewardAssigned': {
      const d = event.data;
      return {
        table: 'rewards',
        row: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          rollout_id: d.rollout_id,
          group_id: d.group_id,
          run_id: d.run_id,
          reward: d.reward,
          components: JSON.stringify(d.components),
          reward_fn: d.reward_fn,
          reward_fn_version: d.reward_fn_version,
          source: d.source,
          details: d.details === null ? null : jsonText(d.details, 'details'),
        },
      };
    }
    case 'TaskDefined': {
      const d = event.data;
      return {
        table: 'tasks',
        row: {
          event_id: d.event_id,
          occurred_at: d.occurred_at,
          task_id: d.task_id,
          domain: d.domain,
          description: d.description,
          user_instruction: d.user_instruction,
          evaluation: jsonText(d.evaluation, 'evaluation'),
        },
      };
    }
    case 'RolloutStarted':
    case 'RolloutCompleted':
    case 'BatchAssembled':
      return null;
    default: {
      const unknown: never = event;
      throw new ProjectionError(`unknown event type ${(unknown as { type: string }).type}`);
    }
  }
}

/** A JSON-string field goes into a jsonb column: it must parse. The original text stays in `events`. */
function jsonText(raw: string, field: string): string {
  try {
    JSON.parse(raw);
  } catch (error) {
    throw new ProjectionError(`field ${field} is not valid JSON: ${(error as Error).message}`, { field });
  }
  return raw;
}

// Postgres text and jsonb cannot hold U+0000; refusing it here names the field instead of failing a
// whole batch inside the database. Only walked when the payload text shows an escaped NUL (which may
// also be the literal text `\u0000`: then nothing is refused).
function rejectNul(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new ProjectionError(`field ${path} contains a NUL character (U+0000), which PostgreSQL cannot store`, { field: path });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) rejectNul(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw new ProjectionError(`a key in ${path} contains a NUL character (U+0000)`, { field: path });
      rejectNul(item, `${path}.${key}`);
    }
  }
}

// Postgres timestamptz spans 4713 BC – 294276 AD; JS Dates ±8.64e15 ms. Outside, the row is unwritable.
function checkedTime(ms: number, field: string): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15 || ms < -210_866_803_200_000) {
    throw new ProjectionError(`field ${field} (${ms}) is not a writable timestamp`, { field });
  }
  return ms;
}
