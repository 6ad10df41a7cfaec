import { GamepipeError } from '../errors.js';

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
  hdfsUser: string;
  engine: QueryEngineChoice | undefined;
  trinoUrl: string | undefined;
  prestoUrl: string | undefined;
  /** The Hive metastore behind Trino/Presto (`thrift://host:9083`): compaction of closed partitions switches their location there. */
  metastoreUrl: string | undefined;
  /** The SQL catalog of Trino/Presto (`hive`), as their CLIs' --catalog. */
  catalog: string;
  schema: string;
}

export const queryEngineChoices = ['duckdb', 'trino', 'presto'] as const;
export type QueryEngineChoice = (typeof queryEngineChoices)[number];

export interface ConfigField<K extends keyof Config = keyof Config> {
  key: K;
  flag: string;
  env: string;
  description: string;
  defaultValue: Config[K];
  parse(raw: string): Config[K];
}

function invalid(key: string, raw: string, expected: string): GamepipeError {
  return new GamepipeError('CONFIG_INVALID', `invalid ${key} "${raw}": expected ${expected}`);
}

const parseRedisUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('redis URL', raw, 'redis://host:port[/db]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw invalid('redis URL', raw, 'redis://host:port[/db]');
  return raw;
};

const parseBrokers = (raw: string): string[] => {
  const brokers = raw.split(',').map((b) => b.trim()).filter(Boolean);
  const valid = brokers.length > 0 && brokers.every((b) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b));
  if (!valid) throw invalid('Kafka brokers', raw, 'host:port[,host:port...]');
  return brokers;
};

const parsePort = (raw: string): number => {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port', raw, 'a number from 0 to 65535');
  return port;
};

const parseTopic = (raw: string): string => {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw invalid('topic', raw, 'letters, digits, ".", "_" or "-"');
  return raw;
};

const parseHttpUrl = (what: string, example: string) => (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(what, raw, example);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(what, raw, example);
  return raw.replace(/\/+$/, '');
};

const parseThriftUrl = (raw: string): string => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'thrift:' || !url.hostname) throw invalid('Hive metastore URL', raw, 'thrift://metastore:9083');
  return raw.replace(/\/+$/, '');
};

const parseLake = (raw: string): string => {
  if (/^(hdfs|webhdfs):/i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid('lake', raw, 'a directory, hdfs://namenode:8020/path or webhdfs://namenode:9870/path');
    }
    if (!url.hostname) throw invalid('lake', raw, 'hdfs://namenode:8020/path (a host is needed)');
    return raw;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !raw.startsWith('file://')) {
    throw invalid('lake', raw, 'a directory, file:///dir, hdfs://namenode:8020/path or webhdfs://namenode:9870/path');
  }
  return nonEmpty('lake')(raw);
};

const parseEngine = (raw: string): QueryEngineChoice => {
  if (!(queryEngineChoices as readonly string[]).includes(raw)) throw invalid('engine', raw, queryEngineChoices.join(', '));
  return raw as QueryEngineChoice;
};

const parseSqlName = (what: string) => (raw: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(raw)) throw invalid(what, raw, 'letters, digits and "_"');
  return raw;
};

const nonEmpty = (key: string) => (raw: string): string => {
  if (raw.trim() === '') throw invalid(key, raw, 'a non-empty value');
  return raw;
};

export const configFields: ConfigField[] = [
  { key: 'dataDir', flag: '--data-dir <dir>', env: 'GAMEPIPE_DATA_DIR', description: 'where the embedded mode keeps state, log and lake', defaultValue: './.gamepipe', parse: nonEmpty('data dir') },
  { key: 'redisUrl', flag: '--redis-url <url>', env: 'GAMEPIPE_REDIS_URL', description: 'use Redis for game state (e.g. redis://127.0.0.1:6379) instead of the embedded store', defaultValue: undefined, parse: parseRedisUrl },
  { key: 'kafkaBrokers', flag: '--kafka-brokers <list>', env: 'GAMEPIPE_KAFKA_BROKERS', description: 'use Kafka for the event log (e.g. 127.0.0.1:9092) instead of the embedded log', defaultValue: undefined, parse: parseBrokers },
  { key: 'topic', flag: '--topic <name>', env: 'GAMEPIPE_TOPIC', description: 'event log topic', defaultValue: 'events', parse: parseTopic },
  { key: 'host', flag: '--host <host>', env: 'GAMEPIPE_HOST', description: 'address the game server listens on', defaultValue: 'localhost', parse: nonEmpty('host') },
  { key: 'port', flag: '--port <port>', env: 'GAMEPIPE_PORT', description: 'port the game server listens on', defaultValue: 5000, parse: parsePort },
  { key: 'itemCatalog', flag: '--item-catalog <file>', env: 'GAMEPIPE_ITEM_CATALOG', description: 'item catalog JSON file replacing the built-in shop', defaultValue: undefined, parse: nonEmpty('item catalog path') },
  { key: 'lake', flag: '--lake <uri>', env: 'GAMEPIPE_LAKE', description: 'where the lake is: a directory, hdfs://namenode:8020/path or webhdfs://namenode:9870/path (default: <data-dir>/lake)', defaultValue: undefined, parse: parseLake },
  { key: 'webhdfsUrl', flag: '--webhdfs-url <url>', env: 'GAMEPIPE_WEBHDFS_URL', description: 'the NameNode\'s WebHDFS address when it is not http://<namenode>:9870', defaultValue: undefined, parse: parseHttpUrl('WebHDFS URL', 'http://namenode:9870') },
  { key: 'hdfsUser', flag: '--hdfs-user <name>', env: 'GAMEPIPE_HDFS_USER', description: 'the HDFS user the lake is written as', defaultValue: process.env.USER || 'gamepipe', parse: nonEmpty('HDFS user') },
  { key: 'engine', flag: '--engine <name>', env: 'GAMEPIPE_ENGINE', description: `query engine: ${queryEngineChoices.join(', ')} (default: trino or presto when its URL is set, else duckdb)`, defaultValue: undefined, parse: parseEngine },
  { key: 'trinoUrl', flag: '--trino-url <url>', env: 'GAMEPIPE_TRINO_URL', description: 'a Trino coordinator (e.g. http://127.0.0.1:8080): tables and queries go there', defaultValue: undefined, parse: parseHttpUrl('Trino URL', 'http://coordinator:8080') },
  { key: 'prestoUrl', flag: '--presto-url <url>', env: 'GAMEPIPE_PRESTO_URL', description: 'a Presto coordinator: tables and queries go there', defaultValue: undefined, parse: parseHttpUrl('Presto URL', 'http://coordinator:8080') },
  { key: 'metastoreUrl', flag: '--metastore-url <url>', env: 'GAMEPIPE_METASTORE_URL', description: 'the Hive metastore behind Trino/Presto (thrift://host:9083): compacting closed partitions switches their location there atomically', defaultValue: undefined, parse: parseThriftUrl },
  { key: 'catalog', flag: '--catalog <name>', env: 'GAMEPIPE_CATALOG', description: 'Trino/Presto catalog of the lake\'s tables', defaultValue: 'hive', parse: parseSqlName('catalog') },
  { key: 'schema', flag: '--schema <name>', env: 'GAMEPIPE_SCHEMA', description: 'Trino/Presto schema of the lake\'s tables', defaultValue: 'default', parse: parseSqlName('schema') },
] as ConfigField[];
