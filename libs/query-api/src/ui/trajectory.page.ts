import type { RolloutDetail, RolloutEventView, RolloutToolCallView, RolloutTurnView } from '@rollout-ledger/query';
import { escapeHtml, page, queryString } from './html';

/** One rollout as a chat (system, simulated user, assistant, tool results), its rewards and its event timeline. */
export function renderTrajectory(key: string, rollout: RolloutDetail, events: readonly RolloutEventView[]): string {
  const hasSystemTurn = rollout.turns.some((turn) => turn.role === 'system');
  const systemPrompt = rollout.system_prompt !== null && !hasSystemTurn ? message('system', 'system', escapeHtml(rollout.system_prompt), '') : '';
  const userToolCalls = rollout.tool_calls.filter((call) => call.requestor === 'user');
  return page(
    rollout.rollout_id,
    `<p><a href="/ui${escapeHtml(queryString({ key, run_id: rollout.run_id }))}" id="back">← rollouts of run ${escapeHtml(rollout.run_id)}</a></p>
<h1 id="rollout-id">${escapeHtml(rollout.rollout_id)}</h1>
<table class="meta"><tbody>
${meta('run', rollout.run_id)}${meta('group', rollout.group_id)}${meta('task', rollout.task_id)}${meta('domain', rollout.domain)}
${meta('policy version', rollout.policy_version)}${meta('attempt', `${rollout.attempt ?? '–'} of ${rollout.group_size ?? '–'}`)}
${meta('status', rollout.status)}${meta('termination', rollout.termination_reason)}${meta('turns', rollout.num_turns ?? rollout.turn_count)}
${meta('final state hash', rollout.final_state_hash)}${meta('duration ms', rollout.duration_ms)}
${meta('user simulator', JSON.stringify(rollout.user_simulator))}
</tbody></table>
<section><h2>Rewards</h2>${rewardsTable(rollout)}</section>
<section id="chat"><h2>Conversation</h2>${systemPrompt}${rollout.turns.map(turnHtml).join('')}</section>
${userToolCalls.length > 0 ? `<section><h2>Tool calls by the simulated user</h2>${userToolCalls.map(toolCallHtml).join('')}</section>` : ''}
<section><h2>Tools</h2><pre>${escapeHtml(JSON.stringify(rollout.tools, null, 2))}</pre></section>
<section><h2>Event timeline</h2>${eventsTable(events)}</section>`,
  );
}

function meta(name: string, value: unknown): string {
  return `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value ?? '–')}</td></tr>`;
}

function message(role: string, label: string, body: string, extra: string): string {
  return `<div class="msg ${escapeHtml(role)}" data-role="${escapeHtml(role)}"><div class="role">${escapeHtml(label)}</div>${body}${extra}</div>`;
}

const ROLE_LABEL: Readonly<Record<string, string>> = { system: 'system', user: 'simulated user', assistant: 'assistant', tool: 'tool result' };

function turnHtml(turn: RolloutTurnView): string {
  const label = `${ROLE_LABEL[turn.role] ?? turn.role} · turn ${turn.turn_index}${turn.trainable ? ' · trainable' : ''}${turn.role === 'tool' && turn.name ? ` · ${turn.name}` : ''}`;
  const body = turn.content === null ? '<span class="muted">(no content)</span>' : `<div class="content">${escapeHtml(turn.content)}</div>`;
  const calls = turn.tool_calls
    .map((call) => {
      const record = turn.tool_results.find((result) => result.tool_call_id === call.id);
      return `<div class="call" data-tool-call-id="${escapeHtml(call.id)}">→ <b>${escapeHtml(call.name)}</b>(${escapeHtml(call.arguments)}) <span class="muted">${escapeHtml(call.id)}</span>${record ? toolOutcome(record) : ''}</div>`;
    })
    .join('');
  return message(turn.role, label, body, calls);
}

function toolOutcome(record: RolloutToolCallView): string {
  const latency = record.latency_ms === null ? '' : ` · ${record.latency_ms} ms`;
  return `<div>status ${escapeHtml(record.status)}${escapeHtml(latency)}</div>${record.result !== null ? `<div>result: <code>${escapeHtml(record.result)}</code></div>` : ''}${
    record.error !== null ? `<div class="error tool-error">error: ${escapeHtml(record.error)}</div>` : ''
  }`;
}

function toolCallHtml(record: RolloutToolCallView): string {
  return `<div class="call" data-tool-call-id="${escapeHtml(record.tool_call_id)}"><b>${escapeHtml(record.name)}</b>(${escapeHtml(record.arguments)}) <span class="muted">by ${escapeHtml(record.requestor)}</span>${toolOutcome(record)}</div>`;
}

function rewardsTable(rollout: RolloutDetail): string {
  if (rollout.rewards.length === 0) return '<p class="muted">no reward yet</p>';
  const rows = rollout.rewards
    .map(
      (reward) => `<tr class="reward-row"><td class="reward-value">${escapeHtml(reward.reward)}</td><td>${escapeHtml(reward.reward_fn)}@${escapeHtml(reward.reward_fn_version)}</td>
<td>${escapeHtml(reward.source)}</td><td>${Object.entries(reward.components).map(([name, value]) => `${escapeHtml(name)}=${escapeHtml(value)}`).join(', ')}</td>
<td><code>${escapeHtml(reward.details === null ? '' : JSON.stringify(reward.details))}</code></td><td>${escapeHtml(reward.occurred_at)}</td></tr>`,
    )
    .join('');
  return `<table id="rewards"><thead><tr><th>reward</th><th>function</th><th>source</th><th>components</th><th>details</th><th>at</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function eventsTable(events: readonly RolloutEventView[]): string {
  if (events.length === 0) return '<p class="muted">no events recorded</p>';
  const rows = events
    .map(
      (event) => `<tr class="event-row"><td>${escapeHtml(event.occurred_at)}</td><td>${escapeHtml(event.event_type)}</td><td><code>${escapeHtml(event.topic)}/${escapeHtml(event.partition)}@${escapeHtml(event.offset)}</code></td>
<td>${escapeHtml(event.schema_id)}</td><td><code>${escapeHtml(event.event_id)}</code></td><td>${escapeHtml(event.recorded_at)}</td></tr>`,
    )
    .join('');
  return `<table id="events"><thead><tr><th>occurred</th><th>type</th><th>topic/partition@offset</th><th>schema id</th><th>event id</th><th>recorded</th></tr></thead><tbody>${rows}</tbody></table>`;
}
