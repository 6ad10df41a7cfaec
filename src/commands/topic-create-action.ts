import { createTopic } from '../eventlog/create-topic.js';
import type { CommandAction } from './command-spec.js';
import type { topicCreateOptions } from './topic.js';

export const topicCreateAction: CommandAction<{}, typeof topicCreateOptions> = async ({
  options,
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  const created = await createTopic(config, options.partitions, options.replicationFactor);
  process.stdout.write(created ? `Created topic "${config.topic}".\n` : `Topic "${config.topic}" already exists.\n`);
};
