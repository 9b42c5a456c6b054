import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ApiKey, QueryConfig } from '@rollout-ledger/config';
import { isLedgerError } from '@rollout-ledger/contracts';
import { API_KEYS } from '@rollout-ledger/http';
import { RolloutRepository, parseRolloutListRequest, type RawParams } from '@rollout-ledger/query';
import { QUERY_CONFIG } from '../query-api.tokens';
import { renderKeyForm, renderRolloutList } from './rollout-list.page';
import { renderTrajectory } from './trajectory.page';
import { escapeHtml, page } from './html';

/**
 * The audit UI: server-rendered HTML, no framework, no script. The page itself is public; the data
 * needs an API key with scope `read`, given as `?key=` (entered in the form on /ui and carried
 * along in every link). Meant for operators on a trusted network: a key in a URL can end up in
 * browser history and proxy logs, so give the UI a read-only key.
 */
@ApiExcludeController()
@Controller('ui')
export class AuditUiController {
  constructor(
    private readonly repository: RolloutRepository,
    @Inject(API_KEYS) private readonly keys: readonly ApiKey[],
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
  ) {}

  @Get()
  async list(@Query() query: RawParams, @Res() response: Response): Promise<void> {
    const { key, ...params } = query;
    const denied = this.deny(key);
    if (denied !== null) return this.send(response, denied.status, renderKeyForm(denied.message));
    const filters = Object.fromEntries(Object.entries(params).filter(([, value]) => typeof value === 'string' && value !== '')) as Record<string, string>;
    try {
      const request = parseRolloutListRequest(filters, this.config.QUERY_MAX_PAGE_SIZE);
      const result = await this.repository.list(request.filter, { limit: request.limit, cursor: request.cursor });
      this.send(response, 200, renderRolloutList(key as string, filters, result));
    } catch (error) {
      if (!isLedgerError(error, 'VALIDATION_FAILED')) throw error;
      this.send(response, 400, renderRolloutList(key as string, filters, { items: [], next_cursor: null }).replace('<table', `<p class="error" id="filter-error">${escapeHtml(error.message)}</p><table`));
    }
  }

  @Get('rollouts/:id')
  async rollout(@Param('id') id: string, @Query('key') key: unknown, @Res() response: Response): Promise<void> {
    const denied = this.deny(key);
    if (denied !== null) return this.send(response, denied.status, renderKeyForm(denied.message));
    try {
      const [rollout, events] = await Promise.all([this.repository.get(id), this.repository.events(id)]);
      this.send(response, 200, renderTrajectory(key as string, rollout, events));
    } catch (error) {
      if (!isLedgerError(error, 'ROLLOUT_NOT_FOUND')) throw error;
      this.send(response, 404, page('not found', `<p class="error">${escapeHtml(error.message)}</p><p><a href="/ui?key=${encodeURIComponent(String(key))}">back</a></p>`));
    }
  }

  private deny(key: unknown): { status: number; message?: string } | null {
    if (typeof key !== 'string' || key === '') return { status: 200 };
    const found = this.keys.find((candidate) => candidate.key === key);
    if (!found) return { status: 401, message: 'unknown API key' };
    if (!found.scopes.has('read') && !found.scopes.has('admin')) return { status: 403, message: 'this API key lacks scope "read"' };
    return null;
  }

  private send(response: Response, status: number, html: string): void {
    response.status(status).type('html').send(html);
  }
}
