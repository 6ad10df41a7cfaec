import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { GamepipeError } from '../../errors.js';
import { logger } from '../../logger.js';

export interface KafkaConnection {
  brokers: string[];
  topic: string;
}

const kafkaLog = logger.child({ component: 'kafkajs' });
const levelName: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Retries are bounded on purpose, also for the idempotent producer: a request must answer 503 when
 * the broker is down rather than wait forever, and kafkajs warns about that on every connect.
 */
const expectedWarnings = /^Limiting retries for the idempotent producer/;

/** A kafkajs client that logs through gamepipe's logger and gives up quickly on a dead broker. */
export function createKafka(brokers: string[], clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const level = expectedWarnings.test(message) ? 'debug' : (levelName[entry.level] ?? 'info');
      kafkaLog[level]({ namespace: entry.namespace, ...rest }, message);
    },
    ...overrides,
  });
}

/** Creates the topic unless it exists (asking first keeps Kafka from logging a creation error). */
export async function ensureTopic(admin: Admin, topic: string, numPartitions = -1, replicationFactor = -1): Promise<boolean> {
  if ((await admin.listTopics()).includes(topic)) return false;
  return admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true });
}

export function kafkaUnavailable(brokers: string[], cause: unknown): GamepipeError {
  return new GamepipeError('LOG_UNAVAILABLE', `Kafka at ${brokers.join(',')} is not reachable`, {
    hint: 'start the broker (test/services/kafka.sh start, or docker compose -f compose/docker-compose.yml up -d kafka) or check --kafka-brokers',
    cause,
  });
}
