import type { RolloutPage } from '@rollout-ledger/query';
import { escapeHtml, page, queryString } from './html';

/** The filters the list page offers (a subset of the API's, the ones an auditor reaches for). */
export const UI_FILTERS = ['run_id', 'task_id', 'domain', 'policy_version', 'termination_reason', 'has_tool_error', 'reward_fn', 'min_reward', 'max_reward'] as const;

export function renderKeyForm(message?: string): string {
  return page(
    'API key',
    `<h1>Audit UI</h1>${message ? `<p class="error" id="key-error">${escapeHtml(message)}</p>` : ''}
<form method="get" action="/ui"><label>API key with scope <code>read</code> <input type="password" name="key" id="key" autofocus></label>
<button type="submit" id="open">Open</button></form>`,
  );
}

export function renderRolloutList(key: string, filters: Readonly<Record<string, string | undefined>>, result: RolloutPage): string {
  const inputs = UI_FILTERS.map(
    (name) => `<label>${name}<input name="${name}" id="filter-${name}" value="${escapeHtml(filters[name] ?? '')}"></label>`,
  ).join('');
  const rows = result.items
    .map((item) => {
      const href = `/ui/rollouts/${encodeURIComponent(item.rollout_id)}${queryString({ key })}`;
      return `<tr class="rollout-row" data-rollout-id="${escapeHtml(item.rollout_id)}">
<td><a href="${escapeHtml(href)}">${escapeHtml(item.rollout_id)}</a></td><td>${escapeHtml(item.run_id)}</td><td>${escapeHtml(item.task_id)}</td>
<td>${escapeHtml(item.domain)}</td><td>${escapeHtml(item.policy_version)}</td><td>${escapeHtml(item.status)}</td>
<td>${escapeHtml(item.termination_reason)}</td><td>${escapeHtml(item.num_turns ?? item.turn_count)}</td>
<td class="${item.tool_error_count > 0 ? 'error' : ''}">${item.tool_error_count}/${item.tool_call_count}</td>
<td>${item.reward === null ? '<span class="muted">–</span>' : `${escapeHtml(item.reward.reward)} <span class="muted">${escapeHtml(`${item.reward.reward_fn}@${item.reward.reward_fn_version}`)}</span>`}</td>
<td>${escapeHtml(item.started_at)}</td></tr>`;
    })
    .join('');
  const next = result.next_cursor ? `<p><a id="next-page" href="${escapeHtml(`/ui${queryString({ ...filters, key, cursor: result.next_cursor })}`)}">Next page →</a></p>` : '';
  return page(
    'Rollouts',
    `<h1>Rollouts</h1>
<form class="filters" method="get" action="/ui" id="filters"><input type="hidden" name="key" value="${escapeHtml(key)}">${inputs}<button type="submit" id="apply">Filter</button></form>
<table id="rollouts"><thead><tr><th>rollout</th><th>run</th><th>task</th><th>domain</th><th>policy</th><th>status</th><th>termination</th><th>turns</th><th>tool errors</th><th>reward</th><th>started</th></tr></thead>
<tbody>${rows || '<tr><td colspan="11" class="muted" id="empty">no rollouts match</td></tr>'}</tbody></table>${next}`,
  );
}
