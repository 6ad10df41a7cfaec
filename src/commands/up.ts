import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { runServer } from '../server/run-server.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import { engineChoice, openTableRegistry } from '../sql/open-query-engine.js';
import { formatProgress } from '../streaming/batch-progress.js';
import { StreamWriter } from '../streaming/stream-writer.js';
import { addStreamOptions, streamWriterOptions } from './stream.js';
import { shutdownSignal } from './shutdown-signal.js';

interface UpOptions {
  trigger: string;
  maxBatch: string;
  maxFileRows: string;
  parquetWriter: string;
  quiet?: boolean;
}

export function registerUpCommand(program: Command, resolveConfig: ConfigResolver): void {
  addStreamOptions(program.command('up').description('run the whole pipeline: game server, stream writers for every table, tables; Ctrl-C stops it'))
    .option('--quiet', 'do not print a line per stream batch')
    .action(async (options: UpOptions, command: Command) => {
      const config = resolveConfig(command);
      const storage = await openLakeStorage(config);
      await storage.ping();
      const registry = await openTableRegistry(config, storage);
      await registry.create(allTableSpecs);
      for (const spec of allTableSpecs) await registry.addPartitions(spec);
      const writer = await StreamWriter.open(config, {
        ...streamWriterOptions('all', { ...options, once: false }, (p) => {
          if (!options.quiet) process.stdout.write(`${formatProgress(p)}\n`);
        }),
        storage,
        registry: engineChoice(config) === 'duckdb' ? undefined : registry,
      }).catch(async (error: unknown) => {
        await registry.close();
        throw error;
      });
      const server = await runServer(config).catch(async (error: unknown) => {
        await writer.close();
        await registry.close();
        throw error;
      });
      const engine = engineChoice(config);
      const queryHint = engine === 'duckdb' ? '' : ` --${engine}-url ${engine === 'trino' ? config.trinoUrl : config.prestoUrl}`;
      const running = writer.run();
      process.stdout.write(
        [
          `gamepipe up: listening on ${server.url}`,
          `  state: ${server.backends.state}, events: ${server.backends.log}, data dir: ${config.dataDir}`,
          `  lake: ${storage.uri} (tables ${allTableSpecs.map((s) => s.table).join(', ')} on ${engine === 'duckdb' ? 'DuckDB' : `${engine} ${config.catalog}.${config.schema}`})`,
          `  /status token: ${server.statusTokenSource}`,
          `  try:   curl -c /tmp/cookies -b /tmp/cookies '${server.url}/signup?username=user1&password=pw1'`,
          `         curl -b /tmp/cookies ${server.url}/buy/sword`,
          `         npx gamepipe query${queryHint} "select item_type, count(*) from events_buy group by 1"`,
          '  Ctrl-C stops everything.',
          '',
        ].join('\n'),
      );
      await Promise.race([shutdownSignal(), running]);
      await server.stop();
      writer.stop();
      await running;
      await writer.close();
      await registry.close();
      process.stdout.write('gamepipe up: stopped\n');
    });
}
