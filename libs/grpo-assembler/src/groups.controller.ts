import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Knex } from 'knex';
import { LedgerError } from '@rollout-ledger/contracts';
import { RequireScope } from '@rollout-ledger/http';
import type { AssemblerSettings } from './assembler-settings';
import { findGroup, listFilteredGroups, listGroups, type GroupFilterEntry, type GroupSummary } from './group.queries';
import { limitOf, optionalChoice, optionalText } from './query-params';
import { GRPO_DB, GRPO_SETTINGS } from './tokens';

const STATUSES = ['pending', 'ready', 'batched', 'filtered'] as const;
const REASONS = ['zero_variance', 'stale', 'excluded_termination', 'timeout_dropped'] as const;

/** The assembler's groups and the filter log: every dropped group with its reason. */
@Controller('v1/groups')
export class GroupsController {
  constructor(
    @Inject(GRPO_DB) private readonly db: Knex,
    @Inject(GRPO_SETTINGS) private readonly settings: AssemblerSettings,
  ) {}

  @Get()
  @RequireScope('read')
  async list(@Query() query: Record<string, unknown>): Promise<{ groups: GroupSummary[] }> {
    const status = optionalChoice(query.status, 'status', STATUSES);
    const runId = optionalText(query.run_id, 'run_id');
    const groups = await listGroups(this.db, this.settings.name, {
      ...(status === undefined ? {} : { status }),
      ...(runId === undefined ? {} : { runId }),
      limit: limitOf(query.limit),
    });
    return { groups };
  }

  @Get('filtered')
  @RequireScope('read')
  async filtered(@Query() query: Record<string, unknown>): Promise<{ filtered: GroupFilterEntry[] }> {
    const reason = optionalChoice(query.reason, 'reason', REASONS);
    const runId = optionalText(query.run_id, 'run_id');
    const filtered = await listFilteredGroups(this.db, this.settings.name, {
      ...(reason === undefined ? {} : { reason }),
      ...(runId === undefined ? {} : { runId }),
      limit: limitOf(query.limit),
    });
    return { filtered };
  }

  @Get(':id')
  @RequireScope('read')
  async get(@Param('id') id: string): Promise<Record<string, unknown>> {
    const group = await findGroup(this.db, this.settings.name, id);
    if (group === null) throw new LedgerError('NOT_FOUND', `no group ${id} in this assembler`);
    return group;
  }
}
