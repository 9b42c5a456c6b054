import { completed, started, toolCall, turn } from './trajectory.fixture';
import { toOpenAIMessages } from './openai-messages.renderer';
import { buildTrajectory } from './trajectory.projection';

const assistantCall = turn(1, {
  role: 'assistant',
  content: null,
  trainable: true,
  tool_calls: [{ id: 'c1', name: 'get_order_details', arguments: '{"order_id":"#W1"}' }],
});

describe('toOpenAIMessages', () => {
  it('given a system prompt and no system turn, when rendered, then the prompt comes first and tool calls use the function format', () => {
    const trajectory = buildTrajectory([
      turn(2, { role: 'tool', content: '{"ok":true}', tool_call_id: 'c1', name: 'get_order_details' }),
      assistantCall,
      started(),
      turn(0, { role: 'user', content: 'hi' }),
      completed(),
    ]);

    expect(toOpenAIMessages(trajectory)).toEqual([
      { role: 'system', content: 'You are a retail agent.' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_order_details', arguments: '{"order_id":"#W1"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
    ]);
  });

  it('given a system turn, then the system prompt is not added a second time', () => {
    const trajectory = buildTrajectory([started(), turn(0, { role: 'system', content: 'from the turn' })]);

    expect(toOpenAIMessages(trajectory)).toEqual([{ role: 'system', content: 'from the turn' }]);
  });

  it('given weights requested, then assistant messages carry weight 1 when trainable and 0 otherwise', () => {
    const trajectory = buildTrajectory([
      turn(0, { role: 'assistant', content: 'policy', trainable: true }),
      turn(1, { role: 'assistant', content: 'scripted greeting', trainable: false }),
      turn(2, { role: 'user', content: 'u' }),
    ]);

    expect(toOpenAIMessages(trajectory, { weights: true })).toEqual([
      { role: 'assistant', content: 'policy', weight: 1 },
      { role: 'assistant', content: 'scripted greeting', weight: 0 },
      { role: 'user', content: 'u' },
    ]);
  });

  it('given a tool turn without content, then the environment record of the call supplies it', () => {
    const trajectory = buildTrajectory([
      toolCall('c1', { result: null, error: 'order not found' }),
      turn(2, { role: 'tool', content: null, tool_call_id: 'c1' }),
    ]);

    expect(toOpenAIMessages(trajectory)).toEqual([{ role: 'tool', tool_call_id: 'c1', content: 'order not found' }]);
  });

  it('given weights and an assistant tool call, then the message keys keep the order role, content, tool_calls, weight', () => {
    const trajectory = buildTrajectory([assistantCall, turn(3, { role: 'assistant', content: 'done', trainable: false })]);

    expect(toOpenAIMessages(trajectory, { weights: true }).map((m) => JSON.stringify(m))).toEqual([
      '{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_order_details","arguments":"{\\"order_id\\":\\"#W1\\"}"}}],"weight":1}',
      '{"role":"assistant","content":"done","weight":0}',
    ]);
    expect(Object.keys(toOpenAIMessages(trajectory)[0] ?? {})).toEqual(['role', 'content', 'tool_calls']);
  });
});
