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
  catalog: string | undefined;
}

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
  { key: 'catalog', flag: '--catalog <file>', env: 'GAMEPIPE_CATALOG', description: 'item catalog JSON file replacing the built-in one', defaultValue: undefined, parse: nonEmpty('catalog path') },
] as ConfigField[];
