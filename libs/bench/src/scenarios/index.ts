import type { BenchScenario } from '../bench-scenario';
import { exportScenario } from './export.scenario';
import { grpoScenario } from './grpo.scenario';
import { queryScenario } from './query.scenario';
import { ingestScenario } from './ingest.scenario';
import { materializerScenario } from './materializer.scenario';
import { produceScenario } from './produce.scenario';
import { replayScenario } from './replay.scenario';

/**
 * Every benchmark `rollout-ledger bench` runs, in this order. To add one: write
 * `<name>.scenario.ts` next to this file and append it here (one line each).
 */
export const BENCH_SCENARIOS: readonly BenchScenario[] = [
  produceScenario,
  ingestScenario,
  materializerScenario,
  queryScenario,
  exportScenario,
  grpoScenario,
  replayScenario,
];
