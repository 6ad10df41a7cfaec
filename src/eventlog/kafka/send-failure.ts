import { errorIds } from './kafka-client.js';

/**
 * What a failed produce of one partition's batch says about it, from every attempt the client made:
 * - `refused`: no attempt can have written it (no connection, or the broker answered that it did
 *   not append it: not the leader, too few in-sync replicas, a record too large…).
 * - `in-doubt`: an attempt went unanswered (a connection lost with the request in flight, a
 *   timeout) or was appended by the leader without enough replicas to acknowledge it: it may be
 *   in the log, or come to be.
 */
export type SendFailure = 'refused' | 'in-doubt';

/** Broker answers that say the batch was appended, or may have been, without acknowledging it. */
const appendedUnacknowledged = new Set(['NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'REQUEST_TIMED_OUT']);
/** The broker lost the producer's numbering: whether an earlier attempt wrote the batch cannot be told. */
const unresolvable = new Set(['UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

/** The client's own failures for a request that was written to a socket and not answered. */
function unanswered(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (code === 'PLT_KFK_TIMEOUT') return /Request timed out/.test(error.message);
  // "Connection closed": the socket closed with the request written (or queued behind one that was).
  return code === 'PLT_KFK_NETWORK' && /^Connection closed/.test(error.message);
}

function anyUnanswered(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) return false;
  if (unanswered(error)) return true;
  const inner = (error as { errors?: unknown[] }).errors ?? [];
  return inner.some((e) => anyUnanswered(e, depth + 1)) || anyUnanswered(error.cause, depth + 1);
}

export function sendFailure(error: unknown): SendFailure {
  const ids = errorIds(error);
  if (ids.some((id) => appendedUnacknowledged.has(id) || unresolvable.has(id))) return 'in-doubt';
  return anyUnanswered(error) ? 'in-doubt' : 'refused';
}
