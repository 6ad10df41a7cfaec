import { existsSync, mkdirSync } from 'node:fs';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { topicDir } from './embedded/segments.js';
import { createAdmin, ensureTopic, TopicMismatchError } from './kafka/kafka-client.js';
import { kafkaUnavailable, unreachable } from './kafka/kafka-errors.js';

/** Creates the configured topic; false when it already existed. */
export async function createTopic(config: Config, partitions: number, replicationFactor: number): Promise<boolean> {
  if (!config.kafkaBrokers) {
    if (partitions !== 1 || replicationFactor !== 1) {
      throw new GamepipeError('BAD_REQUEST', 'the embedded event log has exactly one partition and one copy', {
        hint: 'use --kafka-brokers for more',
      });
    }
    const dir = topicDir(config.dataDir, config.topic);
    if (existsSync(dir)) return false;
    mkdirSync(dir, { recursive: true });
    return true;
  }
  const admin = createAdmin(config.kafkaBrokers);
  try {
    return await ensureTopic(admin, config.topic, partitions, replicationFactor);
  } catch (error) {
    if (!(error instanceof TopicMismatchError) && unreachable(error))
      throw kafkaUnavailable(config.kafkaBrokers, error);
    throw new GamepipeError(
      'BAD_REQUEST',
      `Kafka refused to create topic "${config.topic}": ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await admin.close().catch(() => undefined);
  }
}
