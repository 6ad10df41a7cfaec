import { setTimeout as delay } from 'node:timers/promises';
import { Admin, type BaseOptions } from '@platformatic/kafka';
import { unreachable } from './kafka-errors.js';

export interface KafkaConnection {
  brokers: string[];
  topic: string;
}

/**
 * Options every gamepipe Kafka client shares: it gives up quickly on a dead broker, so a request
 * answers 503 instead of never. Each client sets its own retries on top (the producer rides
 * through a leader's failover; the admin and the reader do not wait that long).
 */
export function clientOptions(brokers: string[], clientId: string): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: brokers,
    connectTimeout: 3000,
    requestTimeout: 10_000,
    retries: 3,
    retryDelay: 250,
    // A topic is created by `gamepipe topic create` or `ensureTopic`, never by a typo in --topic.
    autocreateTopics: false,
  };
}

export const createAdmin = (brokers: string[], clientId = 'gamepipe-admin'): Admin =>
  new Admin(clientOptions(brokers, clientId));

/** How long a cluster that was just started, or a topic just created, is waited for. */
const SETTLE_MS = 30_000;
const SETTLE_PAUSE_MS = 500;

/** The topic's partition count, or undefined when it does not exist. */
async function partitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return undefined;
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  return metadata.topics.get(topic)?.partitionsCount;
}

/** Every partition of the topic has a leader that answers: the topic can take a produce. */
async function hasLeaders(admin: Admin, topic: string): Promise<boolean> {
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  const partitions = metadata.topics.get(topic)?.partitions ?? [];
  if (partitions.length === 0 || partitions.some((p) => p === undefined || p.leader < 0)) return false;
  // A leader named in metadata may not host the partition yet (a cluster a few seconds old).
  await admin.listOffsets({
    topics: [{ name: topic, partitions: partitions.map((_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
  });
  return true;
}

/**
 * Creates the topic unless it exists, then waits until every partition has a leader that answers.
 * Returns false when the topic already existed. A cluster still settling (a broker not yet in the
 * quorum, a leader not yet hosting its partition) is retried for up to 30 s; an existing topic with
 * other partitions than asked is an error the caller reports (`numPartitions` -1: the broker's default).
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  numPartitions = -1,
  replicationFactor = -1,
): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  let created = false;
  for (;;) {
    try {
      const existing = await partitionCount(admin, topic);
      if (existing !== undefined && numPartitions > 0 && existing !== numPartitions)
        throw new TopicMismatchError(topic, existing, numPartitions);
      if (existing === undefined) {
        await admin.createTopics({ topics: [topic], partitions: numPartitions, replicas: replicationFactor });
        created = true;
      }
      if (await hasLeaders(admin, topic)) return created;
    } catch (error) {
      if (error instanceof TopicMismatchError || !settling(error) || Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(`topic "${topic}" has partitions without a leader after ${SETTLE_MS / 1000} s`);
    await delay(SETTLE_PAUSE_MS);
  }
}

export class TopicMismatchError extends Error {
  constructor(topic: string, has: number, asked: number) {
    super(`topic "${topic}" exists with ${has} partitions, not ${asked}`);
  }
}

/** Errors a cluster answers while it settles; anything else (a bad replication factor…) is final. */
function settling(error: unknown): boolean {
  // Nothing listening is not a cluster settling: the caller says so at once (503, or one line).
  if (unreachable(error)) return false;
  const text = String((error as Error)?.message ?? error) + JSON.stringify(errorIds(error));
  if (/TOPIC_ALREADY_EXISTS/.test(text)) return true; // created by someone else meanwhile: look again
  if (/INVALID_REPLICATION_FACTOR|INVALID_PARTITIONS|POLICY_VIOLATION|INVALID_CONFIG|AUTHORIZATION/.test(text))
    return false;
  return true;
}

/** The Kafka error ids (`NOT_LEADER_OR_FOLLOWER`…) anywhere in a client error's tree. */
export function errorIds(error: unknown, into: string[] = [], depth = 0): string[] {
  if (!(error instanceof Error) || depth > 8) return into;
  const id = (error as { apiId?: unknown }).apiId;
  if (typeof id === 'string') into.push(id);
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) errorIds(inner, into, depth + 1);
  errorIds(error.cause, into, depth + 1);
  return into;
}
