import type { ConnectionConfig } from '@rollout-ledger/config';

/** One figure a benchmark measured, with its unit; `baseline` names the figure it is compared with. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Optional: the baseline figure's name, measured in the same run, and value / baseline. */
  readonly baseline?: string;
  readonly ratio?: number;
  /** How the figure was obtained: data size, batch sizes, etc. */
  readonly note?: string;
}

export interface BenchContext {
  readonly connection: ConnectionConfig;
  /** `--quick`: a small smoke-test size (CI), otherwise the full size named in the scenario. */
  readonly quick: boolean;
  /** Unique per run: scenarios name their topics, groups and run ids after it. */
  readonly runTag: string;
  /** Progress lines go to stderr. */
  readonly progress: (message: string) => void;
}

/** A benchmark of `rollout-ledger bench`. Each owns its topics and rows and cleans up after itself. */
export interface BenchScenario {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<readonly BenchFigure[]>;
}
