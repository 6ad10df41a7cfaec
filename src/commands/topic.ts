import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { GamepipeError } from '../errors.js';
import { createTopic } from '../eventlog/create-topic.js';

interface TopicOptions {
  partitions: string;
  replicationFactor: string;
}

const positiveInt = (raw: string, what: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new GamepipeError('BAD_REQUEST', `${what} must be a whole number of at least 1, not "${raw}"`);
  return n;
};

export function registerTopicCommand(program: Command, resolveConfig: ConfigResolver): void {
  const topic = program.command('topic').description('manage the event log topic');
  topic
    .command('create')
    .description('create the topic if it does not exist (Kafka: partitions and replication; embedded: one partition)')
    .option('--partitions <n>', 'number of partitions', '1')
    .option('--replication-factor <n>', 'copies of each partition (Kafka)', '1')
    .action(async (options: TopicOptions, command: Command) => {
      const config = resolveConfig(command);
      const created = await createTopic(config, positiveInt(options.partitions, '--partitions'), positiveInt(options.replicationFactor, '--replication-factor'));
      process.stdout.write(created ? `Created topic "${config.topic}".\n` : `Topic "${config.topic}" already exists.\n`);
    });
}
