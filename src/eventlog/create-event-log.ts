import type { Config } from '../config/config-fields.js';
import { logKindOf } from '../config/deployment.js';
import { EmbeddedEventLog } from './embedded/embedded-event-log.js';
import { SegmentReader } from './embedded/segment-reader.js';
import type { EventLog, EventLogReader, ReaderOptions } from './event-log.js';

/** The log's kind, as the deployment decides it (see Deployment). */
export const eventLogKind = logKindOf;

// The Kafka adapters load only when brokers are named: the Kafka client takes time to load, which the embedded default never pays.

/** The write side chosen by the config: Kafka when brokers are named, else the embedded log. */
export async function createEventLog(config: Config): Promise<EventLog> {
  if (config.kafkaBrokers) {
    const { ThreadedKafkaEventLog } = await import('./kafka/threaded-kafka-event-log.js');
    return ThreadedKafkaEventLog.connect({ brokers: config.kafkaBrokers, topic: config.topic });
  }
  return EmbeddedEventLog.open({ dataDir: config.dataDir, topic: config.topic });
}

export async function createEventLogReader(config: Config, options: ReaderOptions): Promise<EventLogReader> {
  if (config.kafkaBrokers) {
    const { KafkaReader } = await import('./kafka/kafka-reader.js');
    return KafkaReader.connect({ brokers: config.kafkaBrokers, topic: config.topic }, options);
  }
  return SegmentReader.forTopic(config.dataDir, config.topic, options);
}
