import { GamepipeError } from '../../errors.js';

/** The Kafka adapters' errors; no kafkajs here, so the server's thread can raise them without loading it. */

export function kafkaUnavailable(brokers: string[], cause: unknown): GamepipeError {
  return new GamepipeError('LOG_UNAVAILABLE', `Kafka at ${brokers.join(',')} is not reachable`, {
    hint: 'start the broker (test/services/kafka.sh start, or docker compose -f compose/docker-compose.yml up -d kafka) or check --kafka-brokers',
    cause,
  });
}

/** An append Kafka may have written without saying so: its state change stays. */
export const inDoubt = (brokers: string[], cause: unknown): GamepipeError =>
  new GamepipeError('LOG_IN_DOUBT', `Kafka at ${brokers.join(',')} did not say whether it wrote the event`, {
    hint: 'the event may be in the log: count it with gamepipe verify once the broker answers',
    cause,
  });

/** A client error's message with those of the errors under it (each attempt, each cause), for a log line. */
export function deepMessage(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 8) return '';
  const inner = (error as { errors?: unknown[] }).errors ?? [];
  const code = (error as { code?: unknown }).code;
  return [
    `${error.message}${typeof code === 'string' ? ` (${code})` : ''}`,
    ...inner.map((e) => deepMessage(e, depth + 1)),
    deepMessage(error.cause, depth + 1),
  ]
    .filter(Boolean)
    .join('; ');
}

/** No broker answered at all (nothing listening, or a timeout), as opposed to one refusing a request. */
export const unreachable = (error: unknown): boolean =>
  /Connection to \S+ failed|ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|timed out/i.test(deepMessage(error));
