export interface AttemptRecord {
  readonly task_id: string;
  readonly domain: string;
  readonly policy_version: number;
  readonly occurred_at: number;
  readonly reward: number;
}

/** Last K distinct policy versions (across all records), or last N attempts of each task. */
export type CurriculumWindow =
  | { readonly kind: 'policy_versions'; readonly last: number }
  | { readonly kind: 'attempts'; readonly last: number }
  | { readonly kind: 'all' };

export type DifficultyBand = 'too_easy' | 'learnable' | 'too_hard';

export interface CurriculumOptions {
  readonly window: CurriculumWindow;
  /** An attempt passes when reward ≥ this. Default 1 (the binary outcome reward). */
  readonly passThreshold?: number;
  /** pass rate ≥ hi is too easy. Default 0.9. */
  readonly hi?: number;
  /** pass rate ≤ lo is too hard. Default 0.1. */
  readonly lo?: number;
}

export interface TaskCurriculumStats {
  readonly task_id: string;
  readonly domain: string;
  readonly attempts: number;
  readonly passes: number;
  readonly pass_rate: number;
  readonly mean_reward: number;
  readonly band: DifficultyBand;
  readonly min_policy_version: number;
  readonly max_policy_version: number;
  readonly last_attempt_at: number;
}
