import { Command } from 'commander';
import { loadConnectionConfig, loadIngestConfig } from '@rollout-ledger/config';
import { Topics } from '@rollout-ledger/contracts';
import { createAdmin, ensureTopics } from '@rollout-ledger/kafka';

export function registerTopicsCommand(program: Command): void {
  const topics = program.command('topics').description('the Kafka topics of Rollout Ledger');
  topics
    .command('ensure')
    .description(`create missing topics (${Object.values(Topics).join(', ')}; names and replication from INGEST_* variables); existing ones are left as they are`)
    .action(async () => {
      const connection = loadConnectionConfig(process.env);
      const ingest = loadIngestConfig(process.env);
      const admin = createAdmin({ brokers: connection.KAFKA_BROKERS, clientId: connection.KAFKA_CLIENT_ID, logLevel: 'error' });
      await admin.connect();
      try {
        const result = await ensureTopics(admin, {
          partitions: connection.ROLLOUT_EVENTS_PARTITIONS,
          replicationFactor: ingest.INGEST_REPLICATION_FACTOR,
          names: { rolloutEvents: ingest.INGEST_ROLLOUT_TOPIC, rolloutEventsDlq: ingest.INGEST_DLQ_TOPIC, taskDefinitions: ingest.INGEST_TASK_TOPIC },
        });
        for (const topic of result.created) process.stdout.write(`  created   ${topic}\n`);
        for (const topic of result.existing) process.stdout.write(`  existing  ${topic}\n`);
      } finally {
        await admin.disconnect();
      }
    });
}
