import type { Config } from '../config/config-fields.js';
import { deploymentOf, engineChoice } from '../config/deployment.js';
import { GamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { QueryEngine } from './query-engine.js';
import type { TableRegistry } from './table-registry.js';

function coordinatorUrl(config: Config, engine: 'trino' | 'presto'): string {
  const url = engine === 'trino' ? config.trinoUrl : config.prestoUrl;
  if (!url)
    throw new GamepipeError('CONFIG_INVALID', `--engine ${engine} needs --${engine}-url`, {
      hint: `e.g. --${engine}-url http://127.0.0.1:8080`,
    });
  return url;
}

export interface EngineOptions {
  /** A statement running longer fails with EXCEEDED_TIME_LIMIT, stopped by the engine; none by default (the presto client's own 60 s would cut long queries). */
  queryTimeoutMs?: number;
  /** DuckDB on the embedded log: read the log's rows not landed yet beside the lake's files (default), or the lake's files alone (`false`: what verify checks). */
  logTail?: boolean;
  /** Iceberg tables under DuckDB: read them as of this time (UTC ms), without the log's tail. */
  asOfMs?: number;
}

/** The configured engine over the lake's tables. DuckDB reads the local lake through `storage`. */
export async function openQueryEngine(
  config: Config,
  storage: LakeStorage,
  options: EngineOptions = {},
): Promise<QueryEngine> {
  const engine = engineChoice(config);
  if (engine === 'duckdb') {
    const [{ DuckdbQueryEngine }, { LogTail }] = await Promise.all([
      import('./engines/duckdb-query-engine.js'),
      import('./log-tail.js'),
    ]);
    const iceberg = deploymentOf(config).tableFormat === 'iceberg';
    const catalog = iceberg
      ? (await import('../iceberg/open-iceberg-catalog.js')).openIcebergCatalog({
          metastoreUrl: config.metastoreUrl,
          storage,
        })
      : undefined;
    // The engine owns the catalog from here: it lists the tables again when a scan raced a file's removal.
    return DuckdbQueryEngine.open(storage, {
      queryTimeoutMs: options.queryTimeoutMs,
      tail: options.logTail === false || options.asOfMs !== undefined ? undefined : LogTail.of(config, storage),
      iceberg: catalog && { catalog, database: config.schema, asOfMs: options.asOfMs },
    });
  }
  const { PrestoQueryEngine } = await import('./engines/presto-query-engine.js');
  return new PrestoQueryEngine({
    engine,
    url: coordinatorUrl(config, engine),
    catalog: config.catalog,
    schema: config.schema,
    queryTimeoutMs: options.queryTimeoutMs,
  });
}

/** Where the configured engine's tables are declared: the lake's catalog file for DuckDB, the Hive metastore behind Trino/Presto. */
export async function openTableRegistry(config: Config, storage: LakeStorage): Promise<TableRegistry> {
  const engine = engineChoice(config);
  if (engine === 'duckdb') {
    const { LakeCatalogRegistry } = await import('./engines/lake-catalog-registry.js');
    return new LakeCatalogRegistry(storage);
  }
  const { HiveTableRegistry } = await import('./engines/hive-table-registry.js');
  const query = await openQueryEngine(config, storage);
  return new HiveTableRegistry({
    engine: query,
    catalog: config.catalog,
    schema: config.schema,
    lakeUri: storage.uri,
    storage,
    metastoreUrl: config.metastoreUrl,
  });
}
