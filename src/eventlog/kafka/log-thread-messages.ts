import { GamepipeError, type ErrorCode } from '../../errors.js';
import type { AppendRecord } from '../event-log.js';

/** What crosses between the server's thread and the thread that runs the Kafka producer (see threaded-kafka-event-log.ts). */

/** An error as it crosses threads: a GamepipeError keeps its code and hint; its cause stays behind. */
export interface ThreadError {
  code?: ErrorCode;
  message: string;
  hint?: string;
}

/** Calls numbered by the server's thread; each is answered once, by number. */
export type ToLogThread =
  | { kind: 'append'; calls: { id: number; records: AppendRecord[] }[] }
  | { kind: 'ping'; id: number }
  | { kind: 'close' };

export type FromLogThread =
  | { kind: 'ready' }
  /** A line the thread logged: the server's thread writes it where its own lines go (a file while the dashboard draws). */
  | { kind: 'log'; line: string }
  | { kind: 'failed'; error: ThreadError }
  | { kind: 'settled'; results: { id: number; error?: ThreadError }[] };

export const toThreadError = (error: unknown): ThreadError =>
  error instanceof GamepipeError
    ? { code: error.code, message: error.message, hint: error.hint }
    : { message: error instanceof Error ? error.message : String(error) };

/** The error again, typed: an error without a code (a bug in the thread) is an unavailable log. */
export const fromThreadError = (error: ThreadError): GamepipeError =>
  new GamepipeError(error.code ?? 'LOG_UNAVAILABLE', error.message, { hint: error.hint });
