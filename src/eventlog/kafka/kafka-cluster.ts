import type { Kafka } from 'kafkajs';

/** A record as kafkajs's protocol layer decodes it from a fetch response. */
export interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
}

export interface FetchResponse {
  responses: { topicName: string; partitions: { partition: number; messages: FetchedMessage[] }[] }[];
}

type TopicPartitions<T> = { topic: string; partitions: T[] }[];

/** The requests of kafkajs's broker layer that the reader uses. */
export interface KafkaBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: TopicPartitions<{ partition: number; fetchOffset: string; maxBytes: number }>;
  }): Promise<FetchResponse>;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: TopicPartitions<{ partition: number; offset: string }>;
  }): Promise<unknown>;
}

/** The part of kafkajs's cluster layer (metadata, leaders, connections) that the reader uses. */
export interface KafkaCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  /** Partitions per leader's node id. */
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(node: { nodeId: string }): Promise<KafkaBroker>;
  findGroupCoordinator(group: { groupId: string }): Promise<KafkaBroker>;
}

/** kafkajs's READ_COMMITTED, what its consumer reads by default. */
export const READ_COMMITTED = 1;

/**
 * kafkajs's cluster layer, configured like every client of `kafka` (brokers, retries, logger).
 * kafkajs offers only group consumers publicly; a reader that assigns itself the partitions and
 * seeks (Java's `assign` + `seek`) needs the layer below them. kafkajs 2.2.4 is its last release,
 * so this private hook does not move; the check below names the cause if it ever does.
 */
export function createCluster(kafka: Kafka): KafkaCluster {
  const hook = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = hook && (kafka as unknown as Record<symbol, unknown>)[hook];
  if (typeof create !== 'function')
    throw new Error('this kafkajs release has no cluster hook (gamepipe needs kafkajs 2.x)');
  return create({
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    isolationLevel: READ_COMMITTED,
  }) as KafkaCluster;
}
