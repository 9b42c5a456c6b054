import type { Knex } from 'knex';

export interface TrainerRow {
  readonly trainer_id: string;
  readonly run_id: string | null;
  readonly policy_version: number | null;
  readonly reported_at: string | null;
  readonly last_lease_at: string | null;
}

/** Records a trainer's current policy version (latest wins) and appends it to the history. */
export async function reportPolicyVersion(
  db: Knex,
  assembler: string,
  report: { trainerId: string; runId: string | null; policyVersion: number; at: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const reportedAt = new Date(report.at);
    await tx('grpo_trainers')
      .insert({ assembler, trainer_id: report.trainerId, run_id: report.runId, policy_version: report.policyVersion, reported_at: reportedAt })
      .onConflict(['assembler', 'trainer_id'])
      .merge(['run_id', 'policy_version', 'reported_at']);
    await tx('grpo_policy_versions').insert({
      assembler,
      trainer_id: report.trainerId,
      run_id: report.runId,
      policy_version: report.policyVersion,
      reported_at: reportedAt,
    });
  });
}

export async function touchTrainer(db: Knex, assembler: string, trainerId: string, at: number): Promise<void> {
  await db('grpo_trainers')
    .insert({ assembler, trainer_id: trainerId, last_lease_at: new Date(at) })
    .onConflict(['assembler', 'trainer_id'])
    .merge(['last_lease_at']);
}

export async function listTrainers(db: Knex, assembler: string): Promise<TrainerRow[]> {
  const rows = await db('grpo_trainers')
    .where('assembler', assembler)
    .orderBy('trainer_id')
    .select<{ trainer_id: string; run_id: string | null; policy_version: string | null; reported_at: Date | null; last_lease_at: Date | null }[]>(
      'trainer_id',
      'run_id',
      'policy_version',
      'reported_at',
      'last_lease_at',
    );
  return rows.map((r) => ({
    trainer_id: r.trainer_id,
    run_id: r.run_id,
    policy_version: r.policy_version === null ? null : Number(r.policy_version),
    reported_at: r.reported_at?.toISOString() ?? null,
    last_lease_at: r.last_lease_at?.toISOString() ?? null,
  }));
}
