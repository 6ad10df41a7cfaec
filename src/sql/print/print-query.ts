import type { Writable } from 'node:stream';
import type { ResultFormat } from '../format-result.js';
import type { QueryEngine, QueryProgress } from '../query-engine.js';
import { resultPrinter } from './result-printer.js';

export interface PrintQueryOptions {
  /** Aborting cancels the query; `printQuery` then rejects with QUERY_CANCELLED. */
  signal?: AbortSignal;
  onProgress?(progress: QueryProgress): void;
  /** Called before each write, e.g. to erase a progress line from the terminal. */
  beforeWrite?(): void;
}

export interface PrintedQuery {
  rowCount: number;
  /** The output closed before the answer was complete (`| head -1`): the query was cancelled, quietly. */
  outputClosed: boolean;
}

/** An error a write reports after the answer was complete: the reader left, which is nothing to report. */
const ignoreLateError = () => undefined;

/** Resolves once `output` drains, or at once when `signal` aborts (the output closed, or the query was cancelled). */
function drained(output: Writable, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      output.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    output.on('drain', done);
    signal.addEventListener('abort', done);
  });
}

/**
 * Runs `sql` and writes its answer to `output` in `format` as rows arrive: csv and json batch by
 * batch, waiting whenever the output is full, so an export of any size holds a batch or two in
 * memory; the table once complete. An output that closes or fails early (a reader that left, EPIPE)
 * cancels the query and resolves with `outputClosed`, never an unhandled 'error'.
 */
export async function printQuery(
  engine: QueryEngine,
  sql: string,
  format: ResultFormat,
  output: Writable,
  options: PrintQueryOptions = {},
): Promise<PrintedQuery> {
  const printer = resultPrinter(format);
  const closing = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
  const onClosed = () => closing.abort();
  // An EPIPE from the last write arrives after `printQuery` returns: it must find a listener.
  if (!output.listeners('error').includes(ignoreLateError)) output.on('error', ignoreLateError);
  output.on('error', onClosed);
  output.on('close', onClosed);
  const write = async (text: string) => {
    if (text === '' || closing.signal.aborted) return;
    options.beforeWrite?.();
    if (!output.write(text)) await drained(output, signal);
  };
  try {
    const { rowCount } = await engine.stream(sql, {
      signal,
      onColumns: (columns) => void write(printer.begin(columns)),
      onRows: (batch) => write(printer.rows(batch)),
      onProgress: options.onProgress,
    });
    await write(printer.end());
    return { rowCount, outputClosed: closing.signal.aborted };
  } catch (error) {
    if (closing.signal.aborted && !options.signal?.aborted) return { rowCount: 0, outputClosed: true };
    throw error;
  } finally {
    output.off('close', onClosed);
    output.off('error', onClosed);
  }
}
