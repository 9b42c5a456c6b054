import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { servedUrl } from '@rollout-ledger/http';
import type { TopicNames } from '@rollout-ledger/kafka';
import { sleep } from './materializer-harness.fixture';

const CLI = join(__dirname, '..', '..', '..', 'bin', 'rollout-ledger.js');

/** `rollout-ledger serve --apps materializer` as a child process, as an operator runs it. */
export class ServeProcess {
  readonly output: string[] = [];
  private exited: Promise<string>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    // Nest re-raises the signal after its shutdown hooks ran: a clean stop ends "by SIGTERM".
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  }

  static start(names: TopicNames, groupId: string, extraEnv: Record<string, string> = {}): ServeProcess {
    const child = spawn(process.execPath, [CLI, 'serve', '--apps', 'materializer'], {
      env: {
        ...process.env,
        // The system picks a free port; serve prints where it listens.
        PORT: '0',
        MATERIALIZER_TOPICS: `${names.rolloutEvents},${names.taskDefinitions}`,
        MATERIALIZER_GROUP_ID: groupId,
        MATERIALIZER_DLQ_TOPIC: names.rolloutEventsDlq,
        // The broker's minimum: a killed instance's partitions move on after 6 s.
        MATERIALIZER_SESSION_TIMEOUT_MS: '6000',
        MATERIALIZER_LAG_INTERVAL_MS: '500',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServeProcess(child);
  }

  /** Where it listens, once it printed so. */
  get url(): string | null {
    return servedUrl(this.output.join(''));
  }

  /** Resolves once /health answers 200 (the consumer joined the group). */
  async healthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`serve exited with ${this.child.exitCode}:\n${this.output.join('')}`);
      try {
        const url = this.url;
        const response = url === null ? null : await fetch(`${url}/health`);
        if (response?.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`serve never became healthy:\n${this.output.join('')}`);
  }

  async metrics(): Promise<string> {
    if (this.url === null) throw new Error(`serve is not listening yet:\n${this.output.join('')}`);
    const response = await fetch(`${this.url}/metrics`);
    return response.text();
  }

  /** Events this instance applied, from its own /metrics. */
  async appliedEvents(): Promise<number> {
    const text = await this.metrics();
    let total = 0;
    for (const match of text.matchAll(/^rollout_ledger_materializer_events_total\{outcome="applied",type="[^"]+"\} (\d+)/gm)) total += Number(match[1]);
    return total;
  }

  kill(): Promise<string> {
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM; resolves "SIGTERM" once it stopped after its shutdown hooks (or how it ended otherwise). */
  async stop(): Promise<string> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
