import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import type { Config } from '../config/config-fields.js';
import { describeError, type GamepipeError } from '../errors.js';
import { writerTargets, type WriterTarget } from '../lake/owners.js';
import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { engineChoice, openTableRegistry } from '../sql/open-query-engine.js';
import type { TableRegistry } from '../sql/table-registry.js';
import { formatProgress, type BatchProgress } from '../streaming/batch-progress.js';
import { StreamWriter, streamDefaults } from '../streaming/stream-writer.js';
import { parseChoice, parseCount, parseDuration } from './option-parsers.js';
import { shutdownSignal } from './shutdown-signal.js';

interface StreamOptions {
  trigger: string;
  once?: boolean;
  json?: boolean;
  maxBatch: string;
  maxFileRows: string;
  parquetWriter: string;
}

/** One line on stderr per retry: what does not answer, which try, when the next. */
export const reportRetry = (writer: string) => (error: GamepipeError, attempt: number, delayMs: number) =>
  process.stderr.write(`gamepipe stream ${writer}: ${describeError(error)}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)}s\n`);

/** The metastore a writer declares new partitions in: only with Trino or Presto. */
export async function writerRegistry(config: Config, storage: LakeStorage): Promise<TableRegistry | undefined> {
  return engineChoice(config) === 'duckdb' ? undefined : openTableRegistry(config, storage);
}

export function streamWriterOptions(target: WriterTarget, options: StreamOptions, onProgress: (p: BatchProgress) => void) {
  return {
    target,
    onRetry: reportRetry(target),
    triggerMs: parseDuration(options.trigger, '--trigger'),
    once: options.once === true,
    maxBatchRecords: parseCount(options.maxBatch, '--max-batch'),
    maxFileRows: parseCount(options.maxFileRows, '--max-file-rows'),
    parquetWriter: parseChoice<ParquetWriterChoice>(options.parquetWriter, ['auto', 'duckdb', 'parquetjs'], '--parquet-writer'),
    onProgress,
  };
}

export function addStreamOptions(command: Command): Command {
  return command
    .option('--trigger <duration>', 'how long each batch collects events before it is written', `${streamDefaults.triggerMs}ms`)
    .option('--max-batch <n>', 'most events in one batch (bounds memory)', String(streamDefaults.maxBatchRecords))
    .option('--max-file-rows <n>', 'most rows in one Parquet file', String(streamDefaults.maxFileRows))
    .option('--parquet-writer <name>', 'auto (DuckDB, else parquetjs-lite), duckdb or parquetjs', 'auto');
}

export function registerStreamCommand(program: Command, resolveConfig: ConfigResolver): void {
  addStreamOptions(
    program
      .command('stream')
      .argument('<table>', `which events to land: ${writerTargets.join(', ')}`)
      .description('land events from the log as Parquet in the lake, exactly once: events_buy, events_guild, events_user'),
  )
    .option('--once', 'process everything in the log now, then exit')
    .option('--json', 'report each batch as a JSON line')
    .action(async (table: string, options: StreamOptions, command: Command) => {
      const target = parseChoice(table, writerTargets, 'the table');
      const config = resolveConfig(command);
      const report = (p: BatchProgress) => process.stdout.write(`${options.json ? JSON.stringify(p) : formatProgress(p)}\n`);
      const storage = await openLakeStorage(config);
      const registry = await writerRegistry(config, storage);
      try {
        const writer = await StreamWriter.open(config, { ...streamWriterOptions(target, options, report), storage, registry });
        if (!options.json) process.stdout.write(`gamepipe stream ${target}: started, writing to ${writer.lakeUri}\n`);
        void shutdownSignal().then(() => writer.stop());
        try {
          await writer.run();
        } finally {
          await writer.close();
        }
      } finally {
        await registry?.close();
      }
      if (!options.json) process.stdout.write(`gamepipe stream ${target}: stopped\n`);
    });
}
