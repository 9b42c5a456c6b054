import { decodeWire, encodeWire } from './wire-format';
import { deadLetterHeaders } from './dead-letter.publisher';
import { topicLayout } from './topic-admin';
import { topicRecordSubject } from './subject-naming';
import { LedgerError } from '@rollout-ledger/contracts';

describe('Confluent wire format', () => {
  it('is magic 0, big-endian int32 id, body', () => {
    const bytes = encodeWire(0x01020304, Buffer.from([9, 8]));
    expect([...bytes]).toEqual([0, 1, 2, 3, 4, 9, 8]);
    expect(decodeWire(bytes)).toEqual({ schemaId: 0x01020304, body: Buffer.from([9, 8]) });
  });
});

describe('subject naming', () => {
  it('is TopicRecordNameStrategy', () => {
    expect(topicRecordSubject('rollout.events', 'TurnRecorded')).toBe('rollout.events-rolloutledger.events.TurnRecorded');
  });
});

describe('dead-letter headers', () => {
  it('name the error and the original coordinates', () => {
    const error = new LedgerError('EVENT_UNDECODABLE', 'bad magic byte');
    expect(deadLetterHeaders({ topic: 'rollout.events', partition: 3, offset: '42' }, error, new Date('2026-01-01T00:00:00Z'))).toEqual({
      'x-dlq-reason': 'bad magic byte',
      'x-dlq-error-code': 'EVENT_UNDECODABLE',
      'x-dlq-original-topic': 'rollout.events',
      'x-dlq-original-partition': '3',
      'x-dlq-original-offset': '42',
      'x-dlq-failed-at': '2026-01-01T00:00:00.000Z',
    });
  });

  it('label foreign errors and cap long reasons', () => {
    const headers = deadLetterHeaders({ topic: 't', partition: 0, offset: '0' }, new Error('x'.repeat(5000)), new Date(0));
    expect(headers['x-dlq-error-code']).toBe('UNEXPECTED_ERROR');
    expect(headers['x-dlq-reason'].length).toBe(2001);
  });
});

describe('topic layout', () => {
  it('has 6 partitions for events and the DLQ, a compacted task topic and one batch partition', () => {
    expect(topicLayout()).toEqual([
      { topic: 'rollout.events', numPartitions: 6, replicationFactor: 1 },
      { topic: 'rollout.events.dlq', numPartitions: 6, replicationFactor: 1 },
      { topic: 'task.definitions', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: 'grpo.batches', numPartitions: 1, replicationFactor: 1 },
    ]);
    expect(topicLayout({ partitions: 12, names: { rolloutEvents: 'x' } })[0]).toEqual({ topic: 'x', numPartitions: 12, replicationFactor: 1 });
  });
});
