import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { lakeRoot } from '../lake/lake-paths.js';
import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import { formatProgress, type BatchProgress } from '../streaming/batch-progress.js';
import { StreamWriter, streamDefaults } from '../streaming/stream-writer.js';
import { writerTargets, type WriterTarget } from '../streaming/writers.js';
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

export function streamWriterOptions(target: WriterTarget, options: StreamOptions, onProgress: (p: BatchProgress) => void) {
  return {
    target,
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
      const writer = await StreamWriter.open(config, streamWriterOptions(target, options, report));
      if (!options.json) process.stdout.write(`gamepipe stream ${target}: started, writing to ${lakeRoot(config.dataDir)}\n`);
      void shutdownSignal().then(() => writer.stop());
      try {
        await writer.run();
      } finally {
        await writer.close();
      }
      if (!options.json) process.stdout.write(`gamepipe stream ${target}: stopped\n`);
    });
}
