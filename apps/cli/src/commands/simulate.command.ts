import { Command } from 'commander';
import { loadConnectionConfig } from '@rollout-ledger/config';
import { ValidationError, type TypedEvent } from '@rollout-ledger/contracts';
import { connectLedgerProducer, publishEvents } from '@rollout-ledger/importers';
import { generate, loadTau2Catalog, planSimulation, type SimulationOptions } from '@rollout-ledger/simulator';
import { integerOption, topicsFromEnv } from './import.command';

interface SimulateCliOptions {
  readonly tasks?: string;
  readonly groupSize: string;
  readonly rollouts?: string;
  readonly runs: string;
  readonly seed: string;
  readonly rate?: string;
  readonly passRate: string;
  readonly tokenFields?: boolean | string;
  readonly runId?: string;
  readonly policyVersion: string;
  readonly groupsPerVersion: string;
  readonly interleave?: boolean;
  readonly batchSize: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

function fraction(name: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ValidationError(`${name} must be a number in [0, 1], got "${raw}"`, [{ path: name, reason: 'not in [0, 1]' }]);
  }
  return value;
}

function toOptions(cli: SimulateCliOptions): SimulationOptions {
  const seed = integerOption('--seed', cli.seed);
  return {
    seed,
    runId: cli.runId ?? `sim-${seed}`,
    runs: integerOption('--runs', cli.runs, 1),
    catalog: loadTau2Catalog(),
    taskCount: cli.tasks === undefined ? undefined : integerOption('--tasks', cli.tasks, 1),
    groupSize: integerOption('--group-size', cli.groupSize, 1),
    rollouts: cli.rollouts === undefined ? undefined : integerOption('--rollouts', cli.rollouts, 1),
    passRate: fraction('--pass-rate', cli.passRate),
    tokenFields: typeof cli.tokenFields === 'string' ? fraction('--token-fields', cli.tokenFields) : cli.tokenFields === true,
    policyVersion: integerOption('--policy-version', cli.policyVersion),
    groupsPerPolicyVersion: integerOption('--groups-per-version', cli.groupsPerVersion, 1),
    interleave: cli.interleave === true,
  };
}

/** Counts what flows through, for the progress line and the summary. */
function* counted(events: Iterable<TypedEvent>, tally: { events: number; rollouts: number; passed: number }): Generator<TypedEvent> {
  for (const event of events) {
    tally.events += 1;
    if (event.type === 'RolloutStarted') tally.rollouts += 1;
    if (event.type === 'RewardAssigned' && event.data.reward >= 1) tally.passed += 1;
    yield event;
  }
}

async function runSimulate(cli: SimulateCliOptions): Promise<void> {
  const options = toOptions(cli);
  const plan = planSimulation(options);
  const tally = { events: 0, rollouts: 0, passed: 0 };
  const started = Date.now();
  const total = plan.rolloutsPerRun * plan.runs.length;
  let lastReport = 0;
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 1000) return;
    lastReport = now;
    const rate = tally.events / Math.max(0.001, (now - started) / 1000);
    process.stderr.write(`\rsimulate: ${tally.rollouts}/${total} rollouts, ${tally.events} events, ${Math.round(rate)} events/s   `);
  };
  const source = counted(generate(options), tally);
  let elapsed: number;
  if (cli.dryRun) {
    for (const _event of source) progress();
    elapsed = Date.now() - started;
  } else {
    const producer = await connectLedgerProducer(loadConnectionConfig(process.env), 'simulate', topicsFromEnv());
    try {
      const stats = await publishEvents(source, producer, {
        batchSize: integerOption('--batch-size', cli.batchSize, 1),
        ratePerSecond: cli.rate === undefined ? undefined : integerOption('--rate', cli.rate, 1),
        onProgress: () => progress(),
      });
      elapsed = stats.elapsed_ms;
    } finally {
      await producer.disconnect();
    }
  }
  progress(true);
  process.stderr.write('\n');
  const summary = {
    run_ids: plan.runs.map((r) => r.run_id),
    tasks: plan.tasks.length,
    group_size: plan.groupSize,
    groups: plan.groupsPerRun * plan.runs.length,
    rollouts: tally.rollouts,
    events: tally.events,
    passed: tally.passed,
    pass_rate: tally.rollouts === 0 ? 0 : tally.passed / tally.rollouts,
    token_field_runs: plan.runs.filter((r) => r.token_fields).map((r) => r.run_id),
    elapsed_ms: elapsed,
    events_per_s: Math.round(tally.events / Math.max(0.001, elapsed / 1000)),
    dry_run: cli.dryRun === true,
  };
  if (cli.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `${summary.dry_run ? 'generated (dry run, nothing published)' : 'published'} ${summary.events} events: ${summary.rollouts} rollouts of ${summary.tasks} tau2 tasks in ${summary.groups} groups of ${summary.group_size}, ` +
        `pass rate ${(summary.pass_rate * 100).toFixed(1)}%, runs ${summary.run_ids.join(', ')}, ${(elapsed / 1000).toFixed(1)} s (${summary.events_per_s} events/s)\n`,
    );
  }
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('publish seeded, MUA-RL-shaped simulated rollouts of the real tau2 airline/retail tasks (deterministic ids: the same seed republishes the same events); topics from ROLLOUT_EVENTS_TOPIC / TASK_DEFINITIONS_TOPIC')
    .option('--tasks <n>', 'distinct tasks (picked by the seed from the 164 tau2 tasks; default all)')
    .option('--group-size <g>', 'rollouts per group (G)', '8')
    .option('--rollouts <n>', 'rollouts per run, in whole groups (default tasks × G)')
    .option('--runs <k>', 'training runs (run ids <run-id>-0.. when more than one)', '1')
    .option('--seed <s>', 'seed of everything generated', '1')
    .option('--rate <events-per-s>', 'publish at most this many events per second (default: as fast as Kafka takes them)')
    .option('--pass-rate <p>', 'mean share of rollouts with reward 1', '0.5')
    .option('--token-fields [share]', 'token_ids/logprobs on assistant turns: all runs, or this share of runs')
    .option('--run-id <id>', 'run id (default sim-<seed>)')
    .option('--policy-version <v>', 'policy version of the first groups', '0')
    .option('--groups-per-version <n>', 'groups per policy version (one training step)', '32')
    .option('--interleave', "interleave each group's rollouts like parallel workers")
    .option('--batch-size <n>', 'events per produce request', '500')
    .option('--dry-run', 'generate and count, publish nothing')
    .option('--json', 'print the summary as JSON')
    .action((options: SimulateCliOptions) => runSimulate(options));
}
