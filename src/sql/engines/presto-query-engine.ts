import { userInfo } from 'node:os';
import { Client, type Column, type StatementStats } from 'presto-client';
import { GamepipeError } from '../../errors.js';
import type { QueryEngine, QueryProgress, QuerySink } from '../query-engine.js';
import { parseExactJson } from './exact-json.js';
import { engineError, type EngineEndpoint } from './presto-errors.js';

export interface PrestoQueryEngineOptions {
  engine: 'trino' | 'presto';
  /** The coordinator, `http://host:port`. */
  url: string;
  /** Default `hive`. */
  catalog?: string;
  /** Default `default`. */
  schema?: string;
  /** Default: the operating-system user (presto-client would send none without $USER, and Trino answers 401). */
  user?: string;
  /** A limit the server enforces on each query's run time (its `query_max_run_time`); none by default. */
  queryTimeoutMs?: number;
  /** How long one HTTP request may wait for an answer before the engine counts as unreachable; default 30 s. */
  requestTimeoutMs?: number;
  /** Pause between polls of a running query; default 50 ms (the server long-polls, presto-client's 800 ms default only adds latency). */
  pollIntervalMs?: number;
}

const defaultUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return 'gamepipe';
  }
};

const cancelled = (cause?: unknown) => new GamepipeError('QUERY_CANCELLED', 'query cancelled', { cause });

function progressOf(queryId: string | undefined, stats: StatementStats, startedMs: number): QueryProgress {
  return {
    queryId,
    state: stats.state,
    splitsDone: stats.completedSplits,
    splitsTotal: stats.totalSplits,
    rows: stats.processedRows ?? 0,
    bytes: stats.processedBytes,
    elapsedMs: stats.elapsedTimeMillis ?? Date.now() - startedMs,
  };
}

/**
 * Trino or Presto through presto-client. Rows reach the sink page by page as the client fetches
 * them; bigints beyond 2^53 arrive as exact strings; timestamps, dates and decimals as the
 * server's strings (`2026-11-28 10:00:00.123`). Aborting the signal cancels the query on the
 * server (DELETE /v1/query/<id>) before `stream` rejects with QUERY_CANCELLED.
 */
export class PrestoQueryEngine implements QueryEngine {
  readonly name: 'trino' | 'presto';
  private readonly endpoint: EngineEndpoint;
  private readonly options: Required<Omit<PrestoQueryEngineOptions, 'queryTimeoutMs'>> & { queryTimeoutMs?: number };
  private readonly running = new Map<AbortController, Promise<unknown>>();

  constructor(options: PrestoQueryEngineOptions) {
    this.name = options.engine;
    this.endpoint = { engine: options.engine, url: options.url.replace(/\/+$/, '') };
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.options = {
      catalog: 'hive',
      schema: 'default',
      user: defaultUser(),
      requestTimeoutMs: 30_000,
      pollIntervalMs: 50,
      ...given,
      engine: options.engine,
      url: options.url,
    };
  }

  stream(sql: string, sink: QuerySink = {}): Promise<{ columns: string[]; rowCount: number }> {
    if (sink.signal?.aborted) return Promise.reject(cancelled(sink.signal.reason));
    const local = new AbortController();
    const signal = sink.signal ? AbortSignal.any([sink.signal, local.signal]) : local.signal;
    const result = this.run(sql, sink, signal).finally(() => this.running.delete(local));
    this.running.set(
      local,
      result.catch(() => undefined),
    );
    return result;
  }

  private run(sql: string, sink: QuerySink, signal: AbortSignal): Promise<{ columns: string[]; rowCount: number }> {
    return new Promise((resolve, reject) => {
      const startedMs = Date.now();
      let queryId: string | undefined;
      let columns: string[] | undefined;
      let rowCount = 0;
      let settled = false;
      let stopping = false;
      /** Why the query is being stopped early: the abort, or an error thrown by the sink. */
      let stopReason: unknown;

      const client = this.client(() => settled);
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        outcome();
      };
      // Cancels on the server, then rejects. Before the first answer there is no query id yet:
      // it rejects at once, and the state callback calls this again to cancel when one arrives.
      const stop = (reason: unknown) => {
        stopReason ??= reason;
        if (stopping) return;
        if (queryId === undefined) return settle(() => reject(stopReason));
        stopping = true;
        client.kill(queryId, () => settle(() => reject(stopReason)));
      };
      const onAbort = () => stop(cancelled(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });

      /** What the sink's promises still hold back: pages keep coming, the query settles once they are taken. */
      let handing: Promise<unknown> = Promise.resolve();
      const deliver = (handOver: () => void | Promise<void>) => {
        if (settled || stopReason !== undefined) return;
        try {
          const handed = handOver();
          if (handed) handing = Promise.all([handing, handed]).catch((error: unknown) => stop(error));
        } catch (error) {
          stop(error);
        }
      };
      const announceColumns = (found: Column[] | undefined) => {
        if (columns !== undefined) return;
        columns = (found ?? []).map((c) => c.name);
        sink.onColumns?.(columns);
      };

      client.execute({
        query: sql,
        session: this.options.queryTimeoutMs
          ? `query_max_run_time=${Math.ceil(this.options.queryTimeoutMs)}ms`
          : undefined,
        // Also stops presto-client's own polling, which then cancels through the statement's nextUri.
        cancel: () => stopReason !== undefined,
        state: (_error, id, stats) => {
          queryId ??= id;
          if (stopReason !== undefined) return stop(stopReason);
          deliver(() => sink.onProgress?.(progressOf(queryId, stats, startedMs)));
        },
        columns: (_error, found) => deliver(() => announceColumns(found)),
        data: (_error, rows, found) =>
          deliver(() => {
            announceColumns(found);
            rowCount += rows.length;
            return sink.onRows?.(rows);
          }),
        success: () => {
          deliver(() => announceColumns(undefined));
          void handing.then(() => {
            if (stopReason === undefined) settle(() => resolve({ columns: columns ?? [], rowCount }));
            else settle(() => reject(stopReason));
          });
        },
        error: (error) => settle(() => reject(stopReason ?? engineError(error, this.endpoint))),
      });
    });
  }

  /**
   * One client per query, its requests guarded: each must answer within `requestTimeoutMs`, and
   * once the query is settled none is sent but a cancel (presto-client retries a 502/503 forever).
   */
  private client(settled: () => boolean): Client {
    const url = new URL(this.endpoint.url);
    const https = url.protocol === 'https:';
    const client = new Client({
      host: url.hostname,
      port: url.port ? Number(url.port) : https ? 443 : 80,
      ...(https ? { ssl: {} } : {}),
      user: this.options.user,
      source: 'gamepipe',
      catalog: this.options.catalog,
      schema: this.options.schema,
      engine: this.name,
      checkInterval: Math.max(1, this.options.pollIntervalMs),
      enableVerboseStateCallback: true,
      jsonParser: { parse: parseExactJson },
      timeout: null,
    });
    const send = client.request.bind(client);
    const timeoutMs = this.options.requestTimeoutMs;
    client.request = (options, callback, authorization) => {
      const cancel =
        typeof options === 'object' && options !== null && (options as { method?: string }).method === 'DELETE';
      if (settled() && !cancel) {
        callback(new Error('query already settled'));
        return null;
      }
      const request = send(options, callback, authorization);
      request?.setTimeout(timeoutMs, () => {
        const error = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
        request.destroy(error);
      });
      return request;
    };
    return client;
  }

  /** Cancels the queries still running and waits for them; the engine holds no connection between queries. */
  async close(): Promise<void> {
    for (const controller of this.running.keys()) controller.abort(new Error('engine closed'));
    await Promise.all(this.running.values());
  }
}
