import { loadGrpoAssemblerConfig } from '@rollout-ledger/config';
import { assemblerSettingsFrom, groupConfigFor } from './assembler-settings';

describe('assembler settings', () => {
  it('given no variables, then the defaults are the online reward, grpo, 32-group batches and no staleness filter', () => {
    const settings = assemblerSettingsFrom(loadGrpoAssemblerConfig({}), '/out');
    expect(settings).toMatchObject({ role: 'all', name: 'grpo-assembler', topic: 'rollout.events', batchGroups: 32, advantageMode: 'grpo', rewardFn: { source: 'online' } });
    expect(settings.maxStaleness).toBeUndefined();
    expect(groupConfigFor(settings, 10)).not.toHaveProperty('maxStaleness');
  });

  it('given a replayed reward function and a staleness bound, then the group config carries them with the trainer version', () => {
    const settings = assemblerSettingsFrom(
      loadGrpoAssemblerConfig({ GRPO_REWARD_FN: 'db-hash-outputs@1', GRPO_REWARD_SOURCE: 'replay', GRPO_MAX_STALENESS: '2', GRPO_ADVANTAGE: 'rloo', GRPO_EXCLUDED_TERMINATIONS: 'error, context_limit' }),
      '/out',
    );
    expect(groupConfigFor(settings, 10)).toMatchObject({
      rewardFn: { name: 'db-hash-outputs', version: '1', source: 'replay' },
      advantageMode: 'rloo',
      maxStaleness: 2,
      trainerPolicyVersion: 10,
      excludedTerminationReasons: ['error', 'context_limit'],
    });
  });

  it('given GRPO_ROLE=leases, then the process is a lease server; an unknown role stops boot naming the variable and the choices', () => {
    expect(assemblerSettingsFrom(loadGrpoAssemblerConfig({ GRPO_ROLE: 'leases' }), '/out').role).toBe('leases');
    expect(() => loadGrpoAssemblerConfig({ GRPO_ROLE: 'lease' })).toThrow(/GRPO_ROLE: must be one of all, leases/);
  });

  it('given a malformed reward function or advantage, then boot stops naming the variable', () => {
    expect(() => loadGrpoAssemblerConfig({ GRPO_REWARD_FN: 'db hash@1', GRPO_ADVANTAGE: 'ppo' })).toThrow(/GRPO_REWARD_FN: must be name or name@version[\s\S]*GRPO_ADVANTAGE: must be one of grpo, grpo_no_std, rloo/);
  });
});
