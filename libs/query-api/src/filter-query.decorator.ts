import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** OpenAPI description of the filters every history endpoint shares (see libs/query RolloutFilter). */
export function ApiRolloutFilters(): MethodDecorator {
  const optional = { required: false } as const;
  return applyDecorators(
    ApiQuery({ name: 'run_id', type: String, ...optional }),
    ApiQuery({ name: 'task_id', type: String, ...optional }),
    ApiQuery({ name: 'domain', type: String, ...optional, description: 'retail, airline, telecom, …' }),
    ApiQuery({ name: 'policy_version', type: String, ...optional, description: 'N (exactly) or A..B (inclusive range)' }),
    ApiQuery({ name: 'min_policy_version', type: Number, ...optional }),
    ApiQuery({ name: 'max_policy_version', type: Number, ...optional }),
    ApiQuery({ name: 'reward_fn', type: String, ...optional, description: 'name@version (any source); default: the online reward' }),
    ApiQuery({ name: 'min_reward', type: Number, ...optional }),
    ApiQuery({ name: 'max_reward', type: Number, ...optional }),
    ApiQuery({ name: 'termination_reason', type: String, ...optional }),
    ApiQuery({ name: 'has_tool_error', type: Boolean, ...optional }),
    ApiQuery({ name: 'since', type: String, ...optional, description: 'started at or after: ISO 8601 or epoch ms' }),
    ApiQuery({ name: 'until', type: String, ...optional, description: 'started at or before: ISO 8601 or epoch ms' }),
  );
}
