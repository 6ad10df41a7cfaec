import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { csvHeader, formatResult, formatRows, type ResultFormat } from '../sql/format-result.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import type { QueryEngine } from '../sql/query-engine.js';
import { queryProgressLine } from '../ui/query-progress.js';
import type { CommandAction } from './command-spec.js';
import { dashboardFiles } from './dashboard-files.js';
import type { queryArgs, queryOptions } from './query.js';

/** Prints one statement's rows: csv and json as they arrive, the aligned table once complete (its widths need every row). */
async function printQuery(engine: QueryEngine, sql: string, format: ResultFormat, signal: AbortSignal): Promise<void> {
  const progress = process.stderr.isTTY ? queryProgressLine(process.stderr) : undefined;
  const rows: unknown[][] = [];
  let columns: string[] = [];
  try {
    await engine.stream(sql, {
      signal,
      onColumns: (names) => {
        columns = names;
        if (format === 'csv') process.stdout.write(csvHeader(names));
      },
      onRows: (batch) => {
        if (format === 'table') return void rows.push(...batch);
        progress?.erase();
        process.stdout.write(formatRows(columns, batch, format));
      },
      onProgress: (p) => progress?.update(p),
    });
  } finally {
    progress?.stop();
  }
  if (format === 'table') process.stdout.write(formatResult({ columns, rows }, 'table'));
}

export const queryAction: CommandAction<typeof queryArgs, typeof queryOptions> = async ({
  args: { sql },
  options: { format, queryTimeout: queryTimeoutMs, logTail },
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  const storage = await openLakeStorage(config);
  if (sql === undefined) {
    // The shell opens a fresh engine per statement: DuckDB's views hold the files of the moment they open.
    const { runQueryShell } = await import('../ui/query-shell/run-query-shell.js');
    try {
      return await runQueryShell(() => openQueryEngine(config, storage, { queryTimeoutMs, logTail }), {
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
    const engine = await openQueryEngine(config, storage, { queryTimeoutMs, logTail });
    try {
      await printQuery(engine, sql, format, cancel.signal);
    } finally {
      await engine.close();
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await storage.close();
  }
};
