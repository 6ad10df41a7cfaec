import { isGamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { QueryEngine } from '../sql/query-engine.js';
import { hiveTableFileLister, type TableFileLister } from '../sql/table-file-lister.js';
import { readLakeLeaderboard, type LakeLeaderboard } from './lake-leaderboard.js';
import { readLakeStats, type LakeTableStats } from './lake-stats.js';
import { pipelineSnapshot, type PipelineReading, type PipelineSnapshot } from './pipeline-snapshot.js';
import { serverFiguresFrom, type ServerFigures } from './server-figures.js';
import { readWriterStatuses, type WriterStatus } from './writer-status.js';

export interface PipelineSources {
  /** The game server's `/metrics` text; rejects when the server does not answer. */
  fetchMetrics(): Promise<string>;
  /** The lake: writer status records. */
  storage: LakeStorage;
  /** The tables' files, as their format lists them (default: Hive directories in `storage`). */
  tableFiles?: TableFileLister;
  /**
   * An engine for the leaderboard queries, opened before each refresh and closed after, so each
   * refresh sees the files committed by then. Without it the snapshot has no leaderboard.
   */
  openEngine?: () => Promise<QueryEngine>;
}

export interface PipelineSamplerOptions {
  /** Between two polls of the server and the lake. */
  intervalMs?: number;
  /** Between two runs of the leaderboard queries (they read the lake's files: slower, and less urgent). */
  leaderboardEveryMs?: number;
  historyLength?: number;
  now?: () => number;
}

export type SnapshotListener = (snapshot: PipelineSnapshot) => void;

const oneLine = (error: unknown) =>
  (isGamepipeError(error) ? error.message : String((error as Error)?.message ?? error)).split('\n')[0]!;

/** `/metrics` of a server at `url`, with a timeout shorter than a poll; with the operator token when the server protects it. */
export const httpMetrics =
  (url: string, timeoutMs = 900, operatorToken?: string) =>
  async (): Promise<string> => {
    const headers: Record<string, string> = operatorToken ? { authorization: `Bearer ${operatorToken}` } : {};
    const response = await fetch(`${url}/metrics`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
    return response.text();
  };

/**
 * Polls the server's metrics and the lake every second or so and hands each listener a typed
 * snapshot with rates (differences between two polls). It only reads: the server pays one
 * `/metrics` answer per poll, the writers nothing.
 */
export class PipelineSampler {
  private readonly intervalMs: number;
  private readonly leaderboardEveryMs: number;
  private readonly historyLength: number;
  private readonly now: () => number;
  private readonly listeners = new Set<SnapshotListener>();
  private previous: PipelineReading | null = null;
  private snapshot: PipelineSnapshot | null = null;
  private leaderboard: LakeLeaderboard | null = null;
  private leaderboardRun: Promise<void> | null = null;
  private leaderboardAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly sources: PipelineSources,
    options: PipelineSamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.leaderboardEveryMs = options.leaderboardEveryMs ?? 5000;
    this.historyLength = options.historyLength ?? 60;
    this.now = options.now ?? Date.now;
  }

  /** The last snapshot, or null before the first poll. */
  latest(): PipelineSnapshot | null {
    return this.snapshot;
  }

  /** Calls `listener` with every new snapshot (and at once with the latest, if any); returns the unsubscribe. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    if (this.snapshot) listener(this.snapshot);
    return () => this.listeners.delete(listener);
  }

  /** Polls every source once and publishes the snapshot. Never rejects: what fails is in `errors`. */
  async sample(): Promise<PipelineSnapshot> {
    const errors: string[] = [];
    const noted =
      <T>(what: string, fallback: T) =>
      (error: unknown): T => {
        errors.push(`${what}: ${oneLine(error)}`);
        return fallback;
      };
    this.refreshLeaderboard();
    const [server, writers, lake] = await Promise.all([
      this.sources.fetchMetrics().then(serverFiguresFrom, noted<ServerFigures | null>('server', null)),
      readWriterStatuses(this.sources.storage).catch(noted<WriterStatus[]>('writer status', [])),
      readLakeStats(this.sources.tableFiles ?? hiveTableFileLister(this.sources.storage)).catch(
        noted<LakeTableStats[]>('lake', []),
      ),
    ]);
    const reading: PipelineReading = { at: this.now(), server, writers, lake, leaderboard: this.leaderboard, errors };
    this.snapshot = pipelineSnapshot(reading, this.previous, this.snapshot, this.historyLength);
    this.previous = reading;
    for (const listener of this.listeners) listener(this.snapshot);
    return this.snapshot;
  }

  /** Polls now and then every interval (a poll starts only when the one before has ended) until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      await this.sample();
      if (this.running) this.timer = setTimeout(() => void loop(), this.intervalMs);
    };
    void loop();
  }

  /** Stops polling; resolves when a leaderboard refresh in flight has closed its engine. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.leaderboardRun;
  }

  /** Starts the leaderboard queries when they are due, in the background; a poll never waits for them. */
  private refreshLeaderboard(): void {
    const open = this.sources.openEngine;
    if (!open || this.leaderboardRun || this.now() - this.leaderboardAt < this.leaderboardEveryMs) return;
    const run = async () => {
      let engine: QueryEngine | undefined;
      try {
        engine = await open();
        this.leaderboard = await readLakeLeaderboard(engine, 5, this.now);
      } catch (error) {
        const stale = this.leaderboard ?? {
          at: this.now(),
          engine: engine?.name ?? '',
          topItems: [],
          topGuilds: [],
          rows: {},
        };
        this.leaderboard = { ...stale, error: oneLine(error) };
      } finally {
        await engine?.close().catch(() => undefined);
        this.leaderboardAt = this.now();
      }
    };
    this.leaderboardRun = run().finally(() => {
      this.leaderboardRun = null;
    });
  }
}
