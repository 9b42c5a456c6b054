import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import type { Knex } from 'knex';
import { RequireScope } from '@rollout-ledger/http';
import type { AssemblerSettings } from './assembler-settings';
import type { Clock } from './clock';
import { CLOCK } from './clock';
import { parsePolicyVersionReport } from './lease-request.parser';
import { listTrainers, reportPolicyVersion, type TrainerRow } from './trainer.repository';
import { GRPO_DB, GRPO_SETTINGS } from './tokens';

/** Trainers report the policy version they train; staleness is measured against the newest. */
@Controller('v1/trainers')
export class TrainersController {
  constructor(
    @Inject(GRPO_DB) private readonly db: Knex,
    @Inject(GRPO_SETTINGS) private readonly settings: AssemblerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/policy-version')
  @HttpCode(200)
  @RequireScope('read')
  async report(@Param('id') id: string, @Body() body: unknown): Promise<{ trainer_id: string; policy_version: number; run_id: string | null }> {
    const report = parsePolicyVersionReport(body);
    await reportPolicyVersion(this.db, this.settings.name, { trainerId: id, runId: report.runId, policyVersion: report.policyVersion, at: this.clock() });
    return { trainer_id: id, policy_version: report.policyVersion, run_id: report.runId };
  }

  @Get()
  @RequireScope('read')
  async list(): Promise<{ trainers: TrainerRow[] }> {
    return { trainers: await listTrainers(this.db, this.settings.name) };
  }
}
