import { isLedgerError } from '@rollout-ledger/contracts';
import { airlineTask3Evaluation, taskDefined } from './reward.fixture';
import { parseEvaluation, parseTaskDefined } from './task-ground-truth';

describe('parseTaskDefined', () => {
  it('given a tau2 evaluation_criteria with an expected hash, then every field is parsed', () => {
    const task = parseTaskDefined(taskDefined(airlineTask3Evaluation));

    expect(task.task_id).toBe('3');
    expect(task.evaluation).toEqual({
      expected_state_hash: 'hash-ok',
      outputs: [],
      communicate_info: ['4'],
      actions: [
        { name: 'get_reservation_details', arguments: { reservation_id: 'JMO1MG' }, action_id: '3_0', requestor: null },
        { name: 'get_user_details', arguments: { user_id: 'anya_garcia_5901' }, action_id: '3_1', requestor: null },
      ],
      nl_assertions: airlineTask3Evaluation.nl_assertions,
      reward_basis: ['DB', 'COMMUNICATE'],
    });
  });

  it('given a whole tau2 task with nl_assertions null, then evaluation_criteria is unwrapped and null means none', () => {
    const evaluation = parseEvaluation({ id: '0', evaluation_criteria: { actions: [], communicate_info: [], nl_assertions: null, reward_basis: ['DB'] } });

    expect(evaluation.nl_assertions).toEqual([]);
    expect(evaluation.reward_basis).toEqual(['DB']);
    expect(evaluation.expected_state_hash).toBeNull();
  });

  it('given tau-bench v1 actions with kwargs and outputs, then kwargs become arguments', () => {
    const evaluation = parseEvaluation({ actions: [{ name: 'cancel_pending_order', kwargs: { order_id: '#W1' } }], outputs: ['1000'] });

    expect(evaluation.actions).toEqual([{ name: 'cancel_pending_order', arguments: { order_id: '#W1' }, action_id: null, requestor: null }]);
    expect(evaluation.outputs).toEqual(['1000']);
  });

  it('given malformed fields, then one VALIDATION_FAILED lists every bad path', () => {
    expect.assertions(2);
    try {
      parseEvaluation({ outputs: 'x', actions: [{ kwargs: {} }], expected_state_hash: 5 });
    } catch (error) {
      expect(isLedgerError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as Error).message).toBe('task: invalid evaluation (evaluation.expected_state_hash, evaluation.outputs, evaluation.actions[0].name)');
    }
  });

  it('given evaluation that is not JSON, then it is refused naming the task', () => {
    expect(() => parseTaskDefined({ ...taskDefined({}), evaluation: '{' })).toThrow(/task 3: evaluation is not valid JSON/);
  });
});
