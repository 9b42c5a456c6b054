import type { Command } from 'commander';

/** The query API's filters as CLI options (shared by `export` and `curriculum`). */
export interface HistoryFilterCliOptions {
  runId?: string;
  task?: string;
  domain?: string;
  policyVersion?: string;
  minReward?: string;
  maxReward?: string;
  rewardFn?: string;
  terminationReason?: string;
  hasToolError?: string;
  since?: string;
  until?: string;
}

export function addHistoryFilterOptions(command: Command): Command {
  return command
    .option('--run-id <id>', 'only this training run')
    .option('--task <task_id>', 'only this task')
    .option('--domain <domain>', 'only this domain (retail, airline, telecom, …)')
    .option('--policy-version <N|A..B>', 'one policy version or an inclusive range')
    .option('--min-reward <r>', 'selected reward ≥ r')
    .option('--max-reward <r>', 'selected reward ≤ r')
    .option('--reward-fn <name@version>', 'reward to read (any source); default: the online reward')
    .option('--termination-reason <reason>', 'only rollouts that ended this way')
    .option('--has-tool-error <bool>', 'true: only rollouts with a failed tool call; false: only without')
    .option('--since <time>', 'started at or after (ISO 8601 or epoch ms)')
    .option('--until <time>', 'started at or before (ISO 8601 or epoch ms)');
}

/** The same parameter names the HTTP API takes, so both go through one parser. */
export function filterParams(options: HistoryFilterCliOptions): Record<string, string | undefined> {
  return {
    run_id: options.runId,
    task_id: options.task,
    domain: options.domain,
    policy_version: options.policyVersion,
    min_reward: options.minReward,
    max_reward: options.maxReward,
    reward_fn: options.rewardFn,
    termination_reason: options.terminationReason,
    has_tool_error: options.hasToolError,
    since: options.since,
    until: options.until,
  };
}

export function definedOnly(params: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Record<string, string>;
}
