import { join } from 'node:path';

/** Where the dashboard keeps the query shell's history and its log lines, beside the pipeline's data. */
export const dashboardFiles = (dataDir: string) => ({
  historyFile: join(dataDir, 'query-history'),
  logFile: join(dataDir, 'logs', 'dashboard.log'),
});
