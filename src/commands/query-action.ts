import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import { printQuery } from '../sql/print/print-query.js';
import { queryProgressLine } from '../ui/query-progress.js';
import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import { GamepipeError } from '../errors.js';
import { asUsageError } from '../exit-codes.js';
import type { CommandAction } from './command-spec.js';
import { dashboardFiles } from './dashboard-files.js';
import type { queryArgs, queryOptions } from './query.js';

export const queryAction: CommandAction<typeof queryArgs, typeof queryOptions> = async ({
  args: { sql },
  options: { format, queryTimeout: queryTimeoutMs, logTail, asOf: asOfMs },
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  if (asOfMs !== undefined) checkAsOf(config);
  const storage = await openLakeStorage(config);
  if (sql === undefined) {
    // The shell opens a fresh engine per statement: DuckDB's views hold the files of the moment they open.
    const { runQueryShell } = await import('../ui/query-shell/run-query-shell.js');
    try {
      return await runQueryShell(() => openQueryEngine(config, storage, { queryTimeoutMs, logTail, asOfMs }), {
        historyFile: dashboardFiles(config.dataDir).historyFile,
      });
    } finally {
      await storage.close();
    }
  }
  const cancel = new AbortController();
  const onInterrupt = () => cancel.abort();
  process.once('SIGINT', onInterrupt);
  try {
    // A time before the first snapshot is the user's to fix: one line, exit 2.
    const engine = await openQueryEngine(config, storage, { queryTimeoutMs, logTail, asOfMs }).catch((error) => {
      throw asUsageError(error);
    });
    try {
      const progress = process.stderr.isTTY ? queryProgressLine(process.stderr) : undefined;
      try {
        // A reader that leaves early (`| head -1`) cancels the query; nothing to report.
        await printQuery(engine, sql, format, process.stdout, {
          signal: cancel.signal,
          onProgress: (p) => progress?.update(p),
          beforeWrite: () => progress?.erase(),
        });
      } finally {
        progress?.stop();
      }
    } finally {
      await engine.close();
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await storage.close();
  }
};

/** `--as-of` reads Iceberg snapshots through DuckDB; Trino has its own syntax for it, Hive tables have no history. */
function checkAsOf(config: Config): void {
  const deployment = deploymentOf(config);
  if (deployment.tableFormat !== 'iceberg')
    throw new GamepipeError(
      'USAGE',
      '--as-of needs Iceberg tables (--table-format iceberg): Hive tables keep no history',
    );
  if (deployment.engine !== 'duckdb')
    throw new GamepipeError(
      'USAGE',
      `--as-of is DuckDB's; on ${deployment.engine} write: select … from events_buy FOR TIMESTAMP AS OF TIMESTAMP '2026-12-07 10:00:00 UTC'`,
    );
}
