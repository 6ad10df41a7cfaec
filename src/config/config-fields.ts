import { isIP } from 'node:net';
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
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw invalid('redis URL', raw, 'redis://host:port[/db]');
  return raw;
};

const parseBrokers = (raw: string): string[] => {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
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

const parseHttpUrl =
  (what: string, example: string) =>
  (raw: string): string => {
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
  if (!(queryEngineChoices as readonly string[]).includes(raw))
    throw invalid('engine', raw, queryEngineChoices.join(', '));
  return raw as QueryEngineChoice;
};

const parseSqlName =
  (what: string) =>
  (raw: string): string => {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(raw)) throw invalid(what, raw, 'letters, digits and "_"');
    return raw;
  };

const parseRedisPrefix = (raw: string): string => {
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(raw))
    throw invalid('Redis key prefix', raw, 'up to 64 letters, digits, ":", ".", "_" or "-"');
  return raw;
};

/** Printable ASCII without spaces (it travels in an Authorization header), long enough not to be guessed. */
const parseToken = (raw: string): string => {
  if (!/^[\x21-\x7e]{16,256}$/.test(raw))
    throw new GamepipeError(
      'CONFIG_INVALID',
      'invalid status token: expected 16 to 256 printable characters without spaces',
      { hint: 'e.g. openssl rand -base64 24' },
    );
  return raw;
};

const parseMetricsAccess = (raw: string): MetricsAccess => {
  if (!(metricsAccessChoices as readonly string[]).includes(raw))
    throw invalid('metrics access', raw, metricsAccessChoices.join(' or '));
  return raw as MetricsAccess;
};

const parseLimit = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw invalid('signup limit', raw, 'a whole number from 0 (no limit) to 1000000');
  return n;
};

const parseWindow = (raw: string): number => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = match
    ? Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!)
    : NaN;
  if (!(ms >= 1000 && ms <= 24 * 3_600_000)) throw invalid('signup window', raw, 'a duration from 1s to 24h, like 10m');
  return ms;
};

/** Comma-separated IP addresses; `none` for an empty list. */
const parseAddresses =
  (what: string) =>
  (raw: string): string[] => {
    if (raw.trim() === 'none') return [];
    const addresses = raw
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const bad = addresses.find((a) => isIP(a) === 0);
    if (bad !== undefined || addresses.length === 0)
      throw invalid(what, raw, 'IP addresses separated by commas, or none');
    return addresses;
  };

const nonEmpty =
  (key: string) =>
  (raw: string): string => {
    if (raw.trim() === '') throw invalid(key, raw, 'a non-empty value');
    return raw;
  };

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
      'where the lake is: a directory, hdfs://namenode:8020/path or webhdfs://namenode:9870/path (default: <data-dir>/lake)',
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
