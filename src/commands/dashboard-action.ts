import { GamepipeError } from '../errors.js';
import { lakeLocation, openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { deploymentOf } from '../config/deployment.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import { openTableFileLister } from '../sql/table-file-lister.js';
import type { CommandAction } from './command-spec.js';
import { dashboardFiles } from './dashboard-files.js';
import type { dashboardOptions } from './dashboard.js';
import { parseServerUrl } from './option-parsers.js';

export const dashboardAction: CommandAction<{}, typeof dashboardOptions> = async ({
  options,
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  const url = parseServerUrl(options.url, config.port).href.replace(/\/+$/, '');
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new GamepipeError('BAD_REQUEST', 'the dashboard needs a terminal', {
      hint: 'for a one-shot report use: gamepipe status',
    });
  }
  // Ink and React load only when the dashboard draws, not for the error above.
  const [{ PipelineSampler, httpMetrics }, { startDashboard }] = await Promise.all([
    import('../metrics/pipeline-sampler.js'),
    import('../ui/dashboard/start-dashboard.js'),
  ]);
  const storage = await openLakeStorage(config);
  const openEngine = () => openQueryEngine(config, storage);
  const { metricsToken } = await import('../server/operator-token.js');
  const tableFiles = await openTableFileLister(config, storage);
  const sampler = new PipelineSampler(
    { fetchMetrics: httpMetrics(url, undefined, metricsToken(config)), storage, tableFiles, openEngine },
    { intervalMs: options.refresh },
  );
  try {
    await startDashboard({
      sampler,
      serverUrl: url,
      // The log's tail is read beside a local lake only: DuckDB reads no s3:// or hdfs:// lake here.
      logTail: deploymentOf(config).queriesReadLogTail && lakeLocation(config).kind === 'local',
      shellEngine: openEngine,
      ...dashboardFiles(config.dataDir),
    });
  } finally {
    await tableFiles.close();
    await storage.close();
  }
};
