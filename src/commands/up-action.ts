import type { Config } from '../config/config-fields.js';
import { deploymentOf, engineChoice } from '../config/deployment.js';
import { describeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { lakeLocation, openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { logger } from '../logger.js';
import { runServer, type RunningServer } from '../server/run-server.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import { openQueryEngine, openTableRegistry } from '../sql/open-query-engine.js';
import { openTableFileLister } from '../sql/table-file-lister.js';
import { formatProgress } from '../lake/batch/batch-progress.js';
import { StreamWriter } from '../streaming/stream-writer.js';
import type { CommandAction } from './command-spec.js';
import { dashboardFiles } from './dashboard-files.js';
import { declareLakeTables } from '../sql/declare-lake-tables.js';
import { shutdownSignal } from './shutdown-signal.js';
import { reportRetry, streamWriterOptions } from './stream-action.js';
import type { upOptions } from './up.js';

function banner(config: Config, server: RunningServer, storage: LakeStorage, triggerMs: number): string {
  const engine = engineChoice(config);
  const queryHint =
    engine === 'duckdb' ? '' : ` --${engine}-url ${engine === 'trino' ? config.trinoUrl : config.prestoUrl}`;
  // DuckDB reads a local lake only (its httpfs extension is not bundled): on S3 or HDFS, say where queries go instead.
  const duckdbCannotRead = engine === 'duckdb' && lakeLocation(config).kind !== 'local';
  const landing = duckdbCannotRead
    ? `landed as Parquet every ${triggerMs / 1000}s; DuckDB cannot read ${storage.uri.split(':')[0]}:// here: query them through Trino or Presto`
    : deploymentOf(config).queriesReadLogTail
      ? `landed as Parquet every ${triggerMs / 1000}s, queried at once`
      : `landed as Parquet every ${triggerMs} ms`;
  const tables = allTableSpecs.map((s) => s.table).join(', ');
  return [
    `gamepipe up: listening on ${server.url}`,
    `  state: ${server.backends.state}, events: ${server.backends.log}, data dir: ${config.dataDir}`,
    `  lake: ${storage.uri} (tables ${tables}${duckdbCannotRead ? '' : ` on ${engine === 'duckdb' ? 'DuckDB' : `${engine} ${config.catalog}.${config.schema}`}`}; events ${landing})`,
    `  /status token: ${server.statusTokenSource}`,
    `  try:   curl -c /tmp/cookies -b /tmp/cookies '${server.url}/signup?username=user1&password=pw1'`,
    `         curl -b /tmp/cookies ${server.url}/buy/sword`,
    `         npx gamepipe query${duckdbCannotRead ? ' --trino-url http://trino:8080' : queryHint} "select item_type, count(*) from events_buy group by 1"`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** The live dashboard over this very pipeline, until `q`, Ctrl-C, SIGTERM or the writer's end. */
async function watch(
  config: Config,
  server: RunningServer,
  storage: LakeStorage,
  writerDone: Promise<void>,
): Promise<void> {
  const [{ PipelineSampler, httpMetrics }, { startDashboard }] = await Promise.all([
    import('../metrics/pipeline-sampler.js'),
    import('../ui/dashboard/start-dashboard.js'),
  ]);
  const openEngine = () => openQueryEngine(config, storage);
  const stop = new AbortController();
  void shutdownSignal().then(() => stop.abort());
  void writerDone.finally(() => stop.abort());
  const { metricsToken } = await import('../server/operator-token.js');
  const tableFiles = await openTableFileLister(config, storage);
  const sampler = new PipelineSampler({
    fetchMetrics: httpMetrics(server.url.replace('localhost', '127.0.0.1'), undefined, metricsToken(config)),
    storage,
    tableFiles,
    openEngine,
  });
  try {
    await startDashboard({
      sampler,
      serverUrl: server.url,
      // The log's tail is read beside a local lake only: DuckDB reads no s3:// or hdfs:// lake here.
      logTail: deploymentOf(config).queriesReadLogTail && lakeLocation(config).kind === 'local',
      shellEngine: openEngine,
      ...dashboardFiles(config.dataDir),
      signal: stop.signal,
    });
  } finally {
    await tableFiles.close();
  }
}

export const upAction: CommandAction<{}, typeof upOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  const tui = options.tui && process.stdout.isTTY === true && process.stdin.isTTY === true;
  const storage = await openLakeStorage(config);
  await storage.ping();
  const registry = await openTableRegistry(config, storage);
  await declareLakeTables(config, registry, storage, allTableSpecs).catch(async (error: unknown) => {
    await registry.close();
    throw error;
  });
  const writerOptions = streamWriterOptions(config, 'all', { ...options, once: false }, (p) => {
    if (!options.quiet && !tui) process.stdout.write(`${formatProgress(p)}\n`);
  });
  // Sealed personal fields are opened with the keys of the server's own state store, once it runs.
  let server: RunningServer | undefined;
  const writer = await StreamWriter.open(config, {
    ...writerOptions,
    playerKeys: deploymentOf(config).sealsPersonalFields
      ? { keysById: (ids) => server!.playerKeys.keysById(ids) }
      : undefined,
    // Nothing but Ink may write to the terminal while the dashboard draws: retries go to the log file.
    onRetry: tui ? (error, attempt) => logger.warn({ attempt }, describeError(error)) : reportRetry('all'),
    storage,
    registry,
  }).catch(async (error: unknown) => {
    await registry.close();
    throw error;
  });
  server = await runServer(config).catch(async (error: unknown) => {
    await writer.close();
    await registry.close();
    throw error;
  });
  const running = writer.run();
  if (tui) await watch(config, server, storage, running);
  else {
    process.stdout.write(banner(config, server, storage, writerOptions.triggerMs));
    await Promise.race([shutdownSignal(), running]);
  }
  await server.stop();
  writer.stop();
  await running;
  await writer.close();
  await registry.close();
  process.stdout.write('gamepipe up: stopped\n');
};
