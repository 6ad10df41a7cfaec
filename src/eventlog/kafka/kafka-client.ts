import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { logger } from '../../logger.js';

export interface KafkaConnection {
  brokers: string[];
  topic: string;
}

/**
 * kafkajs logs every failed connection attempt as an error. gamepipe reports each failure that
 * matters itself, once, as a typed error (a 503, or one line from the CLI), so kafkajs's own log
 * is kept for debugging (GAMEPIPE_LOG_LEVEL=debug).
 */
const kafkaLog = logger.child({ component: 'kafkajs' });

/** A kafkajs client that logs through gamepipe's logger and gives up quickly on a dead broker. */
export function createKafka(brokers: string[], clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // Bounded, also for the idempotent producer: with the broker down a request answers 503, not never.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      kafkaLog.debug({ namespace: entry.namespace, level: entry.level, ...rest }, message);
    },
    ...overrides,
  });
}

/** Creates the topic unless it exists (asking first keeps Kafka from logging a creation error). */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  numPartitions = -1,
  replicationFactor = -1,
): Promise<boolean> {
  if ((await admin.listTopics()).includes(topic)) return false;
  return admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true });
}
