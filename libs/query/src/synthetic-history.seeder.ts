import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Benchmark support: COPYs a synthetic run straight into the history tables (no Kafka, no
 * materializer) so query and export benchmarks start from ≥ 100,000 stored rollouts in seconds.
 * Shapes follow a MUA-RL retail rollout: 8 turns (user, assistant→tool call, tool, assistant→tool
 * call, tool, assistant, user, assistant), 2 tool calls, one online 0/1 reward, groups of 8.
 */
export interface SyntheticRunSpec {
  readonly runId: string;
  readonly rollouts: number;
  readonly groupSize?: number;
  readonly startAt?: number;
  readonly progress?: (message: string) => void;
}

const TURNS: ReadonlyArray<readonly [role: string, trainable: boolean, call: number | null]> = [
  ['user', false, null],
  ['assistant', true, 0],
  ['tool', false, 0],
  ['assistant', true, 1],
  ['tool', false, 1],
  ['assistant', true, null],
  ['user', false, null],
  ['assistant', true, null],
];

const TOOLS = JSON.stringify([
  { type: 'function', function: { name: 'get_order_details', description: 'Get the status and items of an order.', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } } },
  { type: 'function', function: { name: 'return_delivered_order_items', description: 'Return items of a delivered order.', parameters: { type: 'object', properties: { order_id: { type: 'string' }, item_ids: { type: 'array', items: { type: 'string' } } } } } },
]);

export async function seedSyntheticRun(databaseUrl: string, spec: SyntheticRunSpec): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables: ReadonlyArray<readonly [table: string, columns: string, rows: (index: number) => string]> = [
      ['rollouts', ROLLOUT_COLUMNS, (i) => rolloutLine(spec, i)],
      ['turns', TURN_COLUMNS, (i) => turnLines(spec, i)],
      ['tool_calls', TOOL_CALL_COLUMNS, (i) => toolCallLines(spec, i)],
      ['rewards', REWARD_COLUMNS, (i) => rewardLine(spec, i)],
    ];
    for (const [table, columns, rows] of tables) {
      spec.progress?.(`seeding ${table} of ${spec.rollouts} rollouts (COPY)`);
      await pipeline(Readable.from(lines(spec.rollouts, rows)), client.query(copyFrom(`copy ${table} (${columns}) from stdin`)));
    }
    // What autovacuum does after a bulk load (the local stack's PostgreSQL runs without it):
    // fresh statistics (without them the planner guesses that 500 ids match half of `turns` and
    // scans it whole) and the pages' visibility set, so the first reader does not pay for marking
    // every freshly COPYed row (measured: the first SFT export of 100k rollouts 5.8 s without,
    // 3.4 s with).
    await client.query('vacuum (analyze) rollouts, turns, tool_calls, rewards');
  } finally {
    await client.end();
  }
}

/**
 * Deletes the synthetic run (children first), then vacuums: where autovacuum is off (the local
 * stack's PostgreSQL) the deleted rows' space would otherwise never be reused, and every later
 * benchmark would write into ever larger tables and indexes.
 */
export async function deleteSyntheticRun(databaseUrl: string, runId: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = 'select rollout_id from rollouts where run_id = $1';
    await client.query(`delete from turns where rollout_id in (${ids})`, [runId]);
    await client.query(`delete from tool_calls where rollout_id in (${ids})`, [runId]);
    await client.query('delete from rewards where run_id = $1', [runId]);
    await client.query('delete from events where run_id = $1', [runId]);
    await client.query('delete from rollouts where run_id = $1', [runId]);
    await client.query('vacuum (analyze) turns, tool_calls, rewards, events, rollouts');
  } finally {
    await client.end();
  }
}

export function syntheticRolloutId(runId: string, index: number): string {
  return `${runId}-r${String(index).padStart(7, '0')}`;
}

// Rows are produced in chunks of ~1,000 rollouts so COPY gets large writes and memory stays flat.
function* lines(count: number, rows: (index: number) => string): Generator<string> {
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(rows(i));
    if (chunk.length === 1000) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

const ROLLOUT_COLUMNS =
  'rollout_id, run_id, group_id, task_id, domain, group_size, policy_version, attempt, system_prompt, tools, user_simulator, sampling, labels, started_at, termination_reason, num_turns, final_state_hash, duration_ms, completed_at, turn_count, tool_call_count, tool_error_count';
const TURN_COLUMNS = 'rollout_id, turn_index, event_id, role, content, tool_calls, tool_call_id, name, trainable, token_ids, logprobs, policy_version, usage, occurred_at';
const TOOL_CALL_COLUMNS = 'rollout_id, tool_call_id, event_id, name, arguments, requestor, turn_index, result, error, status, latency_ms, occurred_at';
const REWARD_COLUMNS = 'event_id, rollout_id, group_id, run_id, reward, components, reward_fn, reward_fn_version, source, details, occurred_at';

const N = '\\N';

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function field(value: string | number | boolean | null): string {
  if (value === null) return N;
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function row(values: ReadonlyArray<string | number | boolean | null>): string {
  return `${values.map(field).join('\t')}\n`;
}

function shape(spec: SyntheticRunSpec, i: number) {
  const groupSize = spec.groupSize ?? 8;
  const group = Math.floor(i / groupSize);
  const at = (spec.startAt ?? Date.UTC(2026, 0, 1)) + i * 1000;
  return {
    id: syntheticRolloutId(spec.runId, i),
    group: `${spec.runId}-g${String(group).padStart(6, '0')}`,
    task: `retail-${group % 500}`,
    version: Math.floor(group / 100),
    attempt: i % groupSize,
    groupSize,
    at,
    // Deterministic pseudo-random 0/1 outcome, about 40 % passes.
    reward: ((i * 2654435761) >>> 0) % 10 < 4 ? 1 : 0,
  };
}

function rolloutLine(spec: SyntheticRunSpec, i: number): string {
  const s = shape(spec, i);
  return row([
    s.id, spec.runId, s.group, s.task, 'retail', s.groupSize, s.version, s.attempt,
    'You are a customer service agent for an online retail store. Help the user with orders, returns and exchanges; follow the policy strictly.',
    TOOLS, JSON.stringify({ model: 'gpt-4.1', instruction: `You are user ${i}; you want to return a lamp.` }),
    JSON.stringify({ temperature: 1, top_p: 1, max_tokens: 2048 }), JSON.stringify({ bench: 'true' }),
    new Date(s.at).toISOString(), 'user_stop', TURNS.length, `hash-${i % 97}`, 4200, new Date(s.at + 4200).toISOString(), TURNS.length, 2, i % 13 === 0 ? 1 : 0,
  ]);
}

function turnLines(spec: SyntheticRunSpec, i: number): string {
  const s = shape(spec, i);
  return TURNS.map(([role, trainable, call], index) => {
    const callId = call === null ? null : `${s.id}-c${call}`;
    const toolCalls = role === 'assistant' && callId !== null
      ? JSON.stringify([{ id: callId, name: call === 0 ? 'get_order_details' : 'return_delivered_order_items', arguments: JSON.stringify({ order_id: `#W${1000 + (i % 9000)}` }) }])
      : '[]';
    const content =
      role === 'user' ? `Hi, I'd like to return the desk lamp from order #W${1000 + (i % 9000)}, it arrived broken.`
      : role === 'tool' ? JSON.stringify({ order_id: `#W${1000 + (i % 9000)}`, status: 'delivered', items: [{ item_id: `${i}1`, name: 'Desk Lamp', price: 49.99 }] })
      : call !== null ? null
      : 'I have processed the return of the desk lamp; the refund of $49.99 goes to your original payment method within 5–7 business days.';
    return row([
      s.id, index, `${s.id}-t${index}`, role, content, toolCalls, role === 'tool' ? callId : null, role === 'tool' ? (call === 0 ? 'get_order_details' : 'return_delivered_order_items') : null,
      trainable, null, null, null, null, new Date(s.at + 100 * (index + 1)).toISOString(),
    ]);
  }).join('');
}

function toolCallLines(spec: SyntheticRunSpec, i: number): string {
  const s = shape(spec, i);
  return [0, 1]
    .map((call) =>
      row([
        s.id, `${s.id}-c${call}`, `${s.id}-x${call}`, call === 0 ? 'get_order_details' : 'return_delivered_order_items', JSON.stringify({ order_id: `#W${1000 + (i % 9000)}` }),
        'assistant', call === 0 ? 1 : 3, call === 1 && i % 13 === 0 ? null : JSON.stringify({ status: 'delivered' }), call === 1 && i % 13 === 0 ? 'timeout' : null,
        call === 1 && i % 13 === 0 ? 'error' : 'ok', 20 + (i % 50), new Date(s.at + 250 + call * 200).toISOString(),
      ]),
    )
    .join('');
}

function rewardLine(spec: SyntheticRunSpec, i: number): string {
  const s = shape(spec, i);
  return row([`${s.id}-w`, s.id, s.group, spec.runId, s.reward, JSON.stringify({ db_match: s.reward }), 'db-hash', '1', 'online', null, new Date(s.at + 4300).toISOString()]);
}
