/** One trainer's latest report: a version for one run, or for every run when run_id is null. */
export interface TrainerVersion {
  readonly trainer_id: string;
  readonly run_id: string | null;
  readonly policy_version: number;
}

/**
 * The version staleness is measured against for a run: the newest any trainer of that run (or of all
 * runs) reported. The newest, because the policy a trainer will apply the batch to is at least that far.
 */
export function trainerVersionFor(versions: readonly TrainerVersion[], runId: string | null): number | undefined {
  let best: number | undefined;
  for (const v of versions) {
    if (v.run_id !== null && v.run_id !== runId) continue;
    if (best === undefined || v.policy_version > best) best = v.policy_version;
  }
  return best;
}

/** A stable fingerprint, so the sweep re-evaluates every pending group only when a version moved. */
export function versionsFingerprint(versions: readonly TrainerVersion[]): string {
  return versions
    .map((v) => `${v.trainer_id}\u0000${v.run_id ?? ''}\u0000${v.policy_version}`)
    .sort()
    .join('\n');
}
