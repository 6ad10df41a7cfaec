import {
  parseRedisUrl,
  parseBrokers,
  parsePort,
  parseTopic,
  parseHttpUrl,
  parseThriftUrl,
  parseLake,
  parseEngine,
  parseTableFormat,
  parseLogPersonalFields,
  parseSqlName,
  parseRedisPrefix,
  parseToken,
  parseMetricsAccess,
  parseLimit,
  parseWindow,
  parseAddresses,
  nonEmpty,
} from './config-parsers.js';

/**
 * Every setting, declared once: its flag, its environment variable, its default and its parser.
 * The command-line options, the environment reading and the config-file keys are all generated
 * from this list. Precedence: flag, then environment, then config file, then default.
 */
export interface Config {
  dataDir: string;
  redisUrl: string | undefined;
  kafkaBrokers: string[] | undefined;
  topic: string;
  host: string;
  port: number;
  itemCatalog: string | undefined;
  /** Where the lake is: a local directory (default `<data-dir>/lake`), `hdfs://namenode:8020/path` or `webhdfs://namenode:9870/path`. */
  lake: string | undefined;
  webhdfsUrl: string | undefined;
  /** An S3-compatible store's address (MinIO, R2, GCS, a test server) for an s3:// lake; unset for AWS S3. */
  s3Endpoint: string | undefined;
  hdfsUser: string;
  engine: QueryEngineChoice | undefined;
  trinoUrl: string | undefined;
  prestoUrl: string | undefined;
  /** The Hive metastore behind Trino/Presto (`thrift://host:9083`): compaction of closed partitions switches their location there. */
  metastoreUrl: string | undefined;
  /** How the lake's tables are kept: Hive external tables (the original's, default) or Apache Iceberg (format v2). */
  tableFormat: TableFormatChoice;
  /** Whether the events' personal fields are sealed in the log with a per-player key that `erase` destroys. */
  logPersonalFields: LogPersonalFieldsChoice;
  /** The SQL catalog of Trino/Presto (`hive`), as their CLIs' --catalog. */
  catalog: string;
  schema: string;
  /** Prefix of every Redis key gamepipe writes, so several pipelines (or test runs) can share one Redis. */
  redisPrefix: string;
  /** The operator token of /status (and /metrics when protected); one for every server. Never logged. */
  statusToken: string | undefined;
  metricsAccess: MetricsAccess;
  /** Signups per client address per window; 0 turns the limit off. */
  signupLimit: number;
  /** In milliseconds. */
  signupWindow: number;
  signupLimitExempt: string[];
  trustProxy: string[] | undefined;
}

export const metricsAccessChoices = ['open', 'token'] as const;
export type MetricsAccess = (typeof metricsAccessChoices)[number];

export const queryEngineChoices = ['duckdb', 'trino', 'presto'] as const;
export type QueryEngineChoice = (typeof queryEngineChoices)[number];

export const tableFormatChoices = ['hive', 'iceberg'] as const;
export type TableFormatChoice = (typeof tableFormatChoices)[number];

export const logPersonalFieldsChoices = ['plain', 'encrypted'] as const;
export type LogPersonalFieldsChoice = (typeof logPersonalFieldsChoices)[number];

export interface ConfigField<K extends keyof Config = keyof Config> {
  key: K;
  flag: string;
  env: string;
  description: string;
  defaultValue: Config[K];
  parse(raw: string): Config[K];
}

export const configFields: ConfigField[] = [
  {
    key: 'dataDir',
    flag: '--data-dir <dir>',
    env: 'GAMEPIPE_DATA_DIR',
    description: 'where the embedded mode keeps state, log and lake',
    defaultValue: './.gamepipe',
    parse: nonEmpty('data dir'),
  },
  {
    key: 'redisUrl',
    flag: '--redis-url <url>',
    env: 'GAMEPIPE_REDIS_URL',
    description: 'use Redis for game state (e.g. redis://127.0.0.1:6379) instead of the embedded store',
    defaultValue: undefined,
    parse: parseRedisUrl,
  },
  {
    key: 'kafkaBrokers',
    flag: '--kafka-brokers <list>',
    env: 'GAMEPIPE_KAFKA_BROKERS',
    description: 'use Kafka for the event log (e.g. 127.0.0.1:9092) instead of the embedded log',
    defaultValue: undefined,
    parse: parseBrokers,
  },
  {
    key: 'topic',
    flag: '--topic <name>',
    env: 'GAMEPIPE_TOPIC',
    description: 'event log topic',
    defaultValue: 'events',
    parse: parseTopic,
  },
  {
    key: 'host',
    flag: '--host <host>',
    env: 'GAMEPIPE_HOST',
    description: 'address the game server listens on',
    defaultValue: 'localhost',
    parse: nonEmpty('host'),
  },
  {
    key: 'port',
    flag: '--port <port>',
    env: 'GAMEPIPE_PORT',
    description: 'port the game server listens on',
    defaultValue: 5000,
    parse: parsePort,
  },
  {
    key: 'itemCatalog',
    flag: '--item-catalog <file>',
    env: 'GAMEPIPE_ITEM_CATALOG',
    description: 'item catalog JSON file replacing the built-in shop',
    defaultValue: undefined,
    parse: nonEmpty('item catalog path'),
  },
  {
    key: 'lake',
    flag: '--lake <uri>',
    env: 'GAMEPIPE_LAKE',
    description:
      'where the lake is: a directory, hdfs://namenode:8020/path, webhdfs://namenode:9870/path or s3://bucket/prefix (default: <data-dir>/lake)',
    defaultValue: undefined,
    parse: parseLake,
  },
  {
    key: 'webhdfsUrl',
    flag: '--webhdfs-url <url>',
    env: 'GAMEPIPE_WEBHDFS_URL',
    description: "the NameNode's WebHDFS address when it is not http://<namenode>:9870",
    defaultValue: undefined,
    parse: parseHttpUrl('WebHDFS URL', 'http://namenode:9870'),
  },
  {
    key: 's3Endpoint',
    flag: '--s3-endpoint <url>',
    env: 'GAMEPIPE_S3_ENDPOINT',
    description:
      "an S3-compatible store's address for an s3:// lake, with path-style addressing (default: AWS S3, or AWS_ENDPOINT_URL_S3)",
    defaultValue: undefined,
    parse: parseHttpUrl('S3 endpoint', 'http://minio:9000'),
  },
  {
    key: 'hdfsUser',
    flag: '--hdfs-user <name>',
    env: 'GAMEPIPE_HDFS_USER',
    description: 'the HDFS user the lake is written as',
    defaultValue: process.env.USER || 'gamepipe',
    parse: nonEmpty('HDFS user'),
  },
  {
    key: 'engine',
    flag: '--engine <name>',
    env: 'GAMEPIPE_ENGINE',
    description: `query engine: ${queryEngineChoices.join(', ')} (default: trino or presto when its URL is set, else duckdb)`,
    defaultValue: undefined,
    parse: parseEngine,
  },
  {
    key: 'trinoUrl',
    flag: '--trino-url <url>',
    env: 'GAMEPIPE_TRINO_URL',
    description: 'a Trino coordinator (e.g. http://127.0.0.1:8080): tables and queries go there',
    defaultValue: undefined,
    parse: parseHttpUrl('Trino URL', 'http://coordinator:8080'),
  },
  {
    key: 'prestoUrl',
    flag: '--presto-url <url>',
    env: 'GAMEPIPE_PRESTO_URL',
    description: 'a Presto coordinator: tables and queries go there',
    defaultValue: undefined,
    parse: parseHttpUrl('Presto URL', 'http://coordinator:8080'),
  },
  {
    key: 'metastoreUrl',
    flag: '--metastore-url <url>',
    env: 'GAMEPIPE_METASTORE_URL',
    description:
      'the Hive metastore behind Trino/Presto (thrift://host:9083): compacting closed partitions switches their location there atomically',
    defaultValue: undefined,
    parse: parseThriftUrl,
  },
  {
    key: 'tableFormat',
    flag: '--table-format <format>',
    env: 'GAMEPIPE_TABLE_FORMAT',
    description: `how the lake's tables are kept: ${tableFormatChoices.join(' or ')} (Apache Iceberg v2: atomic compaction of open days, schema evolution)`,
    defaultValue: 'hive',
    parse: parseTableFormat,
  },
  {
    key: 'logPersonalFields',
    flag: '--log-personal-fields <mode>',
    env: 'GAMEPIPE_LOG_PERSONAL_FIELDS',
    description:
      "the events' username and user_agent in the log: plain, or encrypted with a per-player key that `erase` destroys (the log's copies become unreadable); set it alike on servers and stream writers",
    defaultValue: 'plain',
    parse: parseLogPersonalFields,
  },
  {
    key: 'catalog',
    flag: '--catalog <name>',
    env: 'GAMEPIPE_CATALOG',
    description: "Trino/Presto catalog of the lake's tables",
    defaultValue: 'hive',
    parse: parseSqlName('catalog'),
  },
  {
    key: 'schema',
    flag: '--schema <name>',
    env: 'GAMEPIPE_SCHEMA',
    description: "Trino/Presto schema of the lake's tables",
    defaultValue: 'default',
    parse: parseSqlName('schema'),
  },
  {
    key: 'redisPrefix',
    flag: '--redis-prefix <text>',
    env: 'GAMEPIPE_REDIS_PREFIX',
    description: 'prefix of the Redis keys (servers that share state share it)',
    defaultValue: 'gamepipe:',
    parse: parseRedisPrefix,
  },
  {
    key: 'statusToken',
    flag: '--status-token <token>',
    env: 'GAMEPIPE_STATUS_TOKEN',
    description:
      'operator token for /status (and /metrics when protected), the same for every server; prefer the env or config file, a flag shows in ps (default: one generated into <data-dir>/status-token)',
    defaultValue: undefined,
    parse: parseToken,
  },
  {
    key: 'metricsAccess',
    flag: '--metrics-access <mode>',
    env: 'GAMEPIPE_METRICS_ACCESS',
    description: '/metrics for anyone (open) or only with the operator token (token)',
    defaultValue: 'open',
    parse: parseMetricsAccess,
  },
  {
    key: 'signupLimit',
    flag: '--signup-limit <n>',
    env: 'GAMEPIPE_SIGNUP_LIMIT',
    description: 'signups per client address per --signup-window, then 429 (0: no limit)',
    defaultValue: 20,
    parse: parseLimit,
  },
  {
    key: 'signupWindow',
    flag: '--signup-window <duration>',
    env: 'GAMEPIPE_SIGNUP_WINDOW',
    description: 'window of the signup limit, like 10m (default 10m; a bare number is ms)',
    defaultValue: 600_000,
    parse: parseWindow,
  },
  {
    key: 'signupLimitExempt',
    flag: '--signup-limit-exempt <addresses>',
    env: 'GAMEPIPE_SIGNUP_LIMIT_EXEMPT',
    description: 'client addresses the signup limit spares (this host, for gamepipe load), or none',
    defaultValue: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    parse: parseAddresses('signup limit exemptions'),
  },
  {
    key: 'trustProxy',
    flag: '--trust-proxy <addresses>',
    env: 'GAMEPIPE_TRUST_PROXY',
    description: 'reverse proxies whose X-Forwarded-For names the client (for the signup limit); none by default',
    defaultValue: undefined,
    parse: parseAddresses('trusted proxies'),
  },
] as ConfigField[];
