import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { lakeRoot } from '../lake/lake-paths.js';
import { runServer } from '../server/run-server.js';
import { formatProgress } from '../streaming/batch-progress.js';
import { StreamWriter } from '../streaming/stream-writer.js';
import { allTableSpecs, registerTables } from '../sql/table-catalog.js';
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
      const root = lakeRoot(config.dataDir);
      registerTables(root, allTableSpecs);
      const writer = await StreamWriter.open(
        config,
        streamWriterOptions('all', { ...options, once: false }, (p) => {
          if (!options.quiet) process.stdout.write(`${formatProgress(p)}\n`);
        }),
      );
      const server = await runServer(config).catch(async (error: unknown) => {
        await writer.close();
        throw error;
      });
      const running = writer.run();
      process.stdout.write(
        [
          `gamepipe up: listening on ${server.url}`,
          `  state: ${server.backends.state}, events: ${server.backends.log}, data dir: ${config.dataDir}`,
          `  lake: ${root} (tables ${allTableSpecs.map((s) => s.table).join(', ')})`,
          `  /status token: ${server.statusTokenSource}`,
          `  try:   curl -c /tmp/cookies -b /tmp/cookies '${server.url}/signup?username=user1&password=pw1'`,
          `         curl -b /tmp/cookies ${server.url}/buy/sword`,
          `         npx gamepipe query "select item_type, count(*) from events_buy group by 1"`,
          '  Ctrl-C stops everything.',
          '',
        ].join('\n'),
      );
      await Promise.race([shutdownSignal(), running]);
      await server.stop();
      writer.stop();
      await running;
      await writer.close();
      process.stdout.write('gamepipe up: stopped\n');
    });
}
