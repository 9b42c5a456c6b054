import type { RolloutEvent } from '@rollout-ledger/contracts';
import { SFT_FIELD, SFT_NULL, type ExportRange, type RolloutRepository, type SftPage } from '@rollout-ledger/query';
import { buildTrajectory, type Trajectory } from '@rollout-ledger/trajectory';
import { sftRecord } from './sft.format';
import { sftLinesOf } from './sft-lines.source';

const base = (rollout_id: string, event_id: string, occurred_at: number) => ({ event_id, rollout_id, group_id: 'g-1', run_id: 'run-1', occurred_at });

function trajectory(rollout_id: string, content: string): Trajectory {
  const events: RolloutEvent[] = [
    {
      type: 'RolloutStarted',
      data: { ...base(rollout_id, `s-${rollout_id}`, 1), task_id: 't', domain: 'retail', group_size: 2, policy_version: 1, attempt: 0, system_prompt: 'sys', tools: '[{"type":"function"}]', user_simulator: null, sampling: null, labels: {} },
    },
    {
      type: 'TurnRecorded',
      data: { ...base(rollout_id, `u-${rollout_id}`, 2), turn_index: 0, role: 'user', content, tool_calls: [], tool_call_id: null, name: null, trainable: false, token_ids: null, logprobs: null, policy_version: null, usage: null },
    },
  ];
  return buildTrajectory(events);
}

/** A repository serving one page whose body is given: what Postgres would stream, or something else. */
function repositoryWith(trajectories: readonly Trajectory[], body: Buffer): RolloutRepository {
  const keys = trajectories.map((t) => ({ group_id: 'g-1', rollout_id: t.rollout_id }));
  const fake = {
    exportBoundaries: async () => [],
    sftPage: async (_filter: unknown, _range: ExportRange): Promise<SftPage> => ({ keys, body, next: null }),
    trajectoriesByIds: async (ids: readonly string[]) => trajectories.filter((t) => ids.includes(t.rollout_id)),
  };
  return fake as unknown as RolloutRepository;
}

async function exported(repository: RolloutRepository): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of sftLinesOf(repository, {}, 100, false, 1)) chunks.push(chunk.bytes);
  return Buffer.concat(chunks).toString('utf8');
}

const reference = (t: Trajectory) => `${JSON.stringify(sftRecord(t, { weights: false }))}\n`;
const field = String.fromCharCode(SFT_FIELD);
const nul = String.fromCharCode(SFT_NULL);

describe('sftLinesOf: splicing the bytes Postgres streams', () => {
  const a = trajectory('r-a', 'hello "a"');
  const b = trajectory('r-b', 'tab\there');
  const messagesOf = (t: Trajectory) => JSON.stringify(sftRecord(t, { weights: false }).messages);

  it('splices messages and tools (rendered as the reference does) into the reference lines', async () => {
    const body = Buffer.from(`${messagesOf(a)}${field}[{"type": "function"}]\n${messagesOf(b)}${field}${nul}\n`);
    // b's tools are null in this body: the line says "tools":[] whatever the trajectory holds.
    expect(await exported(repositoryWith([a, b], body))).toBe(`${reference(a)}${reference(b).replace('"tools":[{"type":"function"}]', '"tools":[]')}`);
  });

  it('renders a rollout Postgres left unrendered (null messages) the reference way', async () => {
    const body = Buffer.from(`${nul}${field}[]\n${messagesOf(b)}${field}[{"type": "function"}]\n`);
    expect(await exported(repositoryWith([a, b], body))).toBe(`${reference(a)}${reference(b)}`);
  });

  it('falls back to the reference renderer: for the whole page when the body does not line up with its keys, for a rollout whose field came quoted', async () => {
    // One line for two rollouts (a row went missing), and a quoted field: nothing is guessed.
    expect(await exported(repositoryWith([a, b], Buffer.from(`${messagesOf(a)}${field}[]\n`)))).toBe(`${reference(a)}${reference(b)}`);
    const quoted = Buffer.from(`\u0001${messagesOf(a)}\u0001${field}[]\n${messagesOf(b)}${field}[{"type": "function"}]\n`);
    expect(await exported(repositoryWith([a, b], quoted))).toBe(`${reference(a)}${reference(b)}`);
  });
});
