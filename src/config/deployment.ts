import type { Config, QueryEngineChoice, TableFormatChoice } from './config-fields.js';

/**
 * What the pipeline is, decided once from the config at the edge (a command) and handed down as
 * plain values: the stream writer, the lake writer and the query side never ask the config these
 * questions themselves, so a rule (say, which engines may swap files) lives in one place.
 */
export interface Deployment {
  /** Which event log: Kafka when brokers are named, else the embedded log. */
  log: 'kafka' | 'embedded';
  /** `--engine`, else Trino or Presto when its URL is set, else DuckDB. */
  engine: QueryEngineChoice;
  /**
   * How the tables are kept (`--table-format`): Hive external tables over the lake's directories, or
   * Apache Iceberg v2 tables whose snapshots are committed to a catalog (the Hive metastore when
   * `--metastore-url` is set, else the lake itself). The writers' commit, compaction and the
   * readers' file listing follow from it.
   */
  tableFormat: TableFormatChoice;
  /**
   * Whether queries read the log's tail beside the lake (the embedded log under DuckDB): a row is
   * then visible before it lands, and writers land in large batches on a long trigger.
   */
  queriesReadLogTail: boolean;
  /**
   * Whether the events' personal fields (username, user_agent) are sealed in the log with a
   * per-player key kept in the state store: servers seal, stream writers open them before landing,
   * and `erase` destroys the key, so the log's retained copies become unreadable.
   */
  sealsPersonalFields: boolean;
  /**
   * Whether readers can be switched to a compacted date partition in one step: DuckDB's views
   * (gamepipe's own catalog), or a Hive metastore gamepipe reaches (`--metastore-url`).
   */
  switchesPartitionsAtomically: boolean;
  compaction: {
    /**
     * Whether a writer may merge small files of open days by moving them into `_merged/` beside the
     * merged one: two renames a listing reader can fall between, so only where gamepipe's DuckDB
     * views (which hide merged files by their offsets) are the only readers.
     */
    openDaysBySwap: boolean;
    /**
     * Whether closed days may be compacted into a new generation: only where readers switch
     * atomically, and on an object store only through a Hive metastore (DuckDB does not read it).
     */
    closedDays: boolean;
  };
}

/**
 * Whether the lake's store renames atomically and without overwriting (a local directory, HDFS).
 * Object stores (s3://) copy then delete. Batches commit there without renames (ObjectStoreTableFormat),
 * but open-day compaction hides merged files by renaming them beside readers, so it stays off; a
 * closed day's new generation is written where no reader looks and switched in the metastore, so
 * its copies are never seen (src/lake/storage/s3/README.md).
 */
const renamesAtomically = (config: Pick<Config, 'lake'>): boolean => !/^s3a?:/i.test(config.lake ?? '');

export const logKindOf = (config: Pick<Config, 'kafkaBrokers'>): Deployment['log'] =>
  config.kafkaBrokers ? 'kafka' : 'embedded';

export function engineChoice(config: Pick<Config, 'engine' | 'trinoUrl' | 'prestoUrl'>): QueryEngineChoice {
  if (config.engine) return config.engine;
  if (config.trinoUrl) return 'trino';
  if (config.prestoUrl) return 'presto';
  return 'duckdb';
}

export function deploymentOf(config: Config): Deployment {
  const log = logKindOf(config);
  const engine = engineChoice(config);
  const switchesPartitionsAtomically = engine === 'duckdb' || config.metastoreUrl !== undefined;
  // Iceberg tables compact by replace snapshots (src/iceberg/write/), never by moving files.
  const hive = config.tableFormat === 'hive';
  return {
    log,
    engine,
    tableFormat: config.tableFormat,
    queriesReadLogTail: log === 'embedded' && engine === 'duckdb',
    sealsPersonalFields: config.logPersonalFields === 'encrypted',
    switchesPartitionsAtomically,
    compaction: {
      openDaysBySwap: hive && engine === 'duckdb' && renamesAtomically(config),
      closedDays:
        hive && switchesPartitionsAtomically && (renamesAtomically(config) || config.metastoreUrl !== undefined),
    },
  };
}
