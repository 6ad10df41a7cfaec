import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import { printQuery } from '../sql/print/print-query.js';
import { queryProgressLine } from '../ui/query-progress.js';
import type { CommandAction } from './command-spec.js';
import { dashboardFiles } from './dashboard-files.js';
import type { queryArgs, queryOptions } from './query.js';

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
