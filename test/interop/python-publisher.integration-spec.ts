import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../../libs/ingest/src/ingest-gateway.fixture';

const SCRIPT = join(__dirname, '..', '..', 'examples', 'python', 'publish_rollout.py');

function runPython(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface Envelope {
  readonly type: string;
  readonly data: { readonly event_id: string } & Record<string, unknown>;
}

describe('examples/python/publish_rollout.py (standard library only) through a real gateway', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it.each([['a JSON array', []], ['NDJSON', ['--ndjson']]])('publishes a full rollout as %s and every event reads back as sent', async (_how, extra) => {
    const runId = `py-${randomUUID().slice(0, 8)}`;
    const result = await runPython(['--url', gateway.url, '--api-key', gateway.keys.ingest, '--run-id', runId, ...extra]);
    expect(result.stderr).toContain('published rollout');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { rollout_id: string; sent: Envelope[]; accepted: { events: { event_id: string; type: string }[] } };
    expect(output.sent.map((e) => e.type)).toEqual([
      'RolloutStarted',
      'TurnRecorded',
      'TurnRecorded',
      'TurnRecorded',
      'ToolCallRecorded',
      'TurnRecorded',
      'TurnRecorded',
      'RewardAssigned',
      'RolloutCompleted',
    ]);
    expect(output.accepted.events.map((e) => e.event_id)).toEqual(output.sent.map((e) => e.data.event_id));

    const records = await gateway.readEvents(output.sent.map((e) => e.data.event_id));
    expect(records).toHaveLength(output.sent.length);
    for (const sent of output.sent) {
      const record = records.find((r) => r.kind === 'event' && r.event.data.event_id === sent.data.event_id);
      if (record?.kind !== 'event') throw new Error(`event ${sent.data.event_id} not consumed`);
      expect(record.event.type).toBe(sent.type);
      // Every field Python sent arrives unchanged; the ones it left out carry their schema default.
      expect(record.event.data).toMatchObject(sent.data);
      expect(record.event.data).toMatchObject({ run_id: runId, rollout_id: output.rollout_id });
    }
  });

  it('exits non-zero with the gateway\'s reason when the key lacks the ingest scope', async () => {
    const before = await gateway.endOffsets();
    const result = await runPython(['--url', gateway.url, '--api-key', gateway.keys.read]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('HTTP 403');
    expect(await gateway.endOffsets()).toBe(before);
  });
});
