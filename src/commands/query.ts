import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { formatResult, resultFormats, type ResultFormat } from '../sql/format-result.js';
import { QuerySession } from '../sql/query-session.js';
import { parseChoice } from './option-parsers.js';

export function registerQueryCommand(program: Command, resolveConfig: ConfigResolver): void {
  program
    .command('query')
    .argument('<sql>', 'e.g. "select count(*) from events_buy where item_type = \'sword\'"')
    .description('run SQL on the lake (DuckDB); `show tables` and `describe events_buy` work as in the seed\'s Presto session')
    .option('--format <format>', `${resultFormats.join(', ')}`, 'table')
    .action(async (sql: string, options: { format: string }, command: Command) => {
      const format = parseChoice<ResultFormat>(options.format, resultFormats, '--format');
      const session = await QuerySession.open(resolveConfig(command).dataDir);
      try {
        process.stdout.write(formatResult(await session.query(sql), format));
      } finally {
        session.close();
      }
    });
}
