/** What every importer needs besides the file: where the events go and how to stamp them. */
export interface ImportOptions {
  /** run_id of every imported rollout; defaults to one derived from the file's content. */
  readonly runId?: string;
  /** policy_version of every imported rollout (the files do not say which checkpoint ran). Default 0. */
  readonly policyVersion?: number;
  /**
   * Epoch ms used when the file has no timestamps (tau-bench v1 has none); the CLI passes the file's
   * modification time so a rerun stamps identically.
   */
  readonly fallbackTime: number;
  /** retail, airline, …; tau-bench v1 files do not name it (inferred from tool names when absent). */
  readonly domain?: string;
}

/** The events of one import and what they hold, for the summary line and the tests. */
export interface ImportSummary {
  readonly format: 'tau-bench' | 'tau2';
  readonly run_id: string;
  readonly rollouts: number;
  readonly groups: number;
  readonly tasks: number;
  readonly events: number;
  readonly passed: number;
}
