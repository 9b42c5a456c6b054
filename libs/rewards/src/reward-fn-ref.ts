import { ValidationError } from '@rollout-ledger/contracts';

export interface RewardFnRef {
  readonly name: string;
  readonly version: string;
}

const PART = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

/** Parses `name@version`, e.g. `db-hash@1`. */
export function parseRewardFnRef(ref: string): RewardFnRef {
  const parts = ref.split('@');
  const [name = '', version = ''] = parts;
  const problem =
    parts.length !== 2
      ? 'expected exactly one "@" between name and version'
      : !PART.test(name)
        ? 'name must start with a letter or digit and use only letters, digits, ".", "_", "-", "/"'
        : !PART.test(version)
          ? 'version must start with a letter or digit and use only letters, digits, ".", "_", "-", "/"'
          : null;
  if (problem !== null) {
    throw new ValidationError(`invalid reward function reference "${ref}": ${problem} (e.g. db-hash@1)`, [{ path: 'reward_fn', reason: problem }]);
  }
  return { name, version };
}

export function formatRewardFnRef(ref: RewardFnRef): string {
  return `${ref.name}@${ref.version}`;
}
