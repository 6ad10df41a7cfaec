import { GamepipeError } from '../errors.js';
import { option } from './command-options.js';
import { defineCommand, defineGroup } from './command-spec.js';

const positiveInt = (raw: string, flagName: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new GamepipeError('BAD_REQUEST', `${flagName} must be a whole number of at least 1, not "${raw}"`);
  return n;
};

export const topicCreateOptions = {
  partitions: option('--partitions <n>', 'number of partitions', positiveInt, { default: '1' }),
  replicationFactor: option('--replication-factor <n>', 'copies of each partition (Kafka)', positiveInt, {
    default: '1',
  }),
};

export const topicCommand = defineGroup({
  name: 'topic',
  description: 'manage the event log topic',
  commands: [
    defineCommand({
      name: 'create',
      description: 'create the topic if it does not exist (Kafka: partitions and replication; embedded: one partition)',
      options: topicCreateOptions,
      action: async () => (await import('./topic-create-action.js')).topicCreateAction,
    }),
  ],
});
