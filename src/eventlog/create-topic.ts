import { existsSync, mkdirSync } from 'node:fs';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { topicDir } from './embedded/segments.js';
import { createKafka, ensureTopic } from './kafka/kafka-client.js';
import { kafkaUnavailable } from './kafka/kafka-errors.js';

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
  const admin = createKafka(config.kafkaBrokers, 'gamepipe-admin').admin();
  try {
    await admin.connect();
  } catch (error) {
    throw kafkaUnavailable(config.kafkaBrokers, error);
  }
  try {
    return await ensureTopic(admin, config.topic, partitions, replicationFactor);
  } catch (error) {
    throw new GamepipeError(
      'BAD_REQUEST',
      `Kafka refused to create topic "${config.topic}": ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await admin.disconnect();
  }
}
