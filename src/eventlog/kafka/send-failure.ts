/**
 * What a failed produce that sent its batch says about it:
 * - `refused`: the broker answered that it cannot take this batch, ever; nothing of it was written.
 * - `unresolvable`: the broker no longer knows the producer's numbering, so sending again cannot
 *   tell whether the batch was written.
 * - `in-doubt`: no answer (a connection lost, a timeout, a broker not leading yet): it may have been
 *   written, and sending it again with the same numbering settles which.
 */
export type SendFailure = 'refused' | 'unresolvable' | 'in-doubt';

const refusedTypes = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'TOPIC_AUTHORIZATION_FAILED',
]);
const unresolvableTypes = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

/** The Kafka protocol error type kafkajs gave up on, through the errors that wrap it (retries exceeded…). */
function protocolErrorType(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}

export function sendFailure(error: unknown): SendFailure {
  const type = protocolErrorType(error);
  if (type !== undefined && refusedTypes.has(type)) return 'refused';
  if (type !== undefined && unresolvableTypes.has(type)) return 'unresolvable';
  return 'in-doubt';
}
