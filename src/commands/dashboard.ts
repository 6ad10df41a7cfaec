import type { Command } from 'commander';
import { join } from 'node:path';
import type { ConfigResolver } from '../cli.js';
import { GamepipeError } from '../errors.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import { parseDuration, parseServerUrl } from './option-parsers.js';

interface DashboardOptions {
  url?: string;
  refresh: string;
}

/** Where the dashboard keeps the query shell's history and its log lines, beside the pipeline's data. */
export const dashboardFiles = (dataDir: string) => ({ historyFile: join(dataDir, 'query-history'), logFile: join(dataDir, 'logs', 'dashboard.log') });

export function registerDashboardCommand(program: Command, resolveConfig: ConfigResolver): void {
  program
    .command('dashboard')
    .description('watch a running pipeline live: requests, events, writers, freshness, the lake; `/` opens the query shell, `q` quits')
    .option('--url <url>', 'the game server to watch (default: http://127.0.0.1:<port>)')
    .option('--refresh <duration>', 'how often the server and the lake are read', '1s')
    .action(async (options: DashboardOptions, command: Command) => {
      const config = resolveConfig(command);
      const url = parseServerUrl(options.url, config.port).href.replace(/\/+$/, '');
      const intervalMs = parseDuration(options.refresh, '--refresh');
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        throw new GamepipeError('BAD_REQUEST', 'the dashboard needs a terminal', { hint: 'for a one-shot report use: gamepipe status' });
      }
      // Ink and React load only when the dashboard runs, not for every gamepipe command.
      const [{ PipelineSampler, httpMetrics }, { startDashboard }] = await Promise.all([import('../metrics/pipeline-sampler.js'), import('../ui/dashboard/start-dashboard.js')]);
      const storage = await openLakeStorage(config);
      const openEngine = () => openQueryEngine(config, storage);
      const sampler = new PipelineSampler({ fetchMetrics: httpMetrics(url), storage, openEngine }, { intervalMs });
      try {
        await startDashboard({ sampler, serverUrl: url, shellEngine: openEngine, ...dashboardFiles(config.dataDir) });
      } finally {
        await storage.close();
      }
    });
}
