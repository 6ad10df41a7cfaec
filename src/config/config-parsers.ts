import { isIP } from 'node:net';
import { GamepipeError } from '../errors.js';
import {
  type MetricsAccess,
  metricsAccessChoices,
  type QueryEngineChoice,
  queryEngineChoices,
  type TableFormatChoice,
  tableFormatChoices,
  logPersonalFieldsChoices,
  type LogPersonalFieldsChoice,
} from './config-fields.js';
import { parseS3LakeUri } from './s3-lake-uri.js';

/** The parsers of the config's fields (see `configFields`): each takes the raw text and throws CONFIG_INVALID, saying what was expected. */

function invalid(key: string, raw: string, expected: string): GamepipeError {
  // A URL may carry a password (http://user:secret@host): never echo it.
  const shown = raw.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  return new GamepipeError('CONFIG_INVALID', `invalid ${key} "${shown}": expected ${expected}`);
}

export const parseRedisUrl = (raw: string): string => {
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

export const parseBrokers = (raw: string): string[] => {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const valid = brokers.length > 0 && brokers.every((b) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b));
  if (!valid) throw invalid('Kafka brokers', raw, 'host:port[,host:port...]');
  return brokers;
};

export const parsePort = (raw: string): number => {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port', raw, 'a number from 0 to 65535');
  return port;
};

export const parseTopic = (raw: string): string => {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw invalid('topic', raw, 'letters, digits, ".", "_" or "-"');
  return raw;
};

export const parseHttpUrl =
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

export const parseThriftUrl = (raw: string): string => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'thrift:' || !url.hostname) throw invalid('Hive metastore URL', raw, 'thrift://metastore:9083');
  return raw.replace(/\/+$/, '');
};

export const parseLake = (raw: string): string => {
  if (/^s3a?:/i.test(raw)) {
    parseS3LakeUri(raw); // the whole URI, here: a lake S3 could not hold is a usage error before anything runs
    return raw;
  }
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
    throw invalid(
      'lake',
      raw,
      'a directory, file:///dir, hdfs://namenode:8020/path, webhdfs://namenode:9870/path or s3://bucket/prefix',
    );
  }
  return nonEmpty('lake')(raw);
};

export const parseEngine = (raw: string): QueryEngineChoice => {
  if (!(queryEngineChoices as readonly string[]).includes(raw))
    throw invalid('engine', raw, queryEngineChoices.join(', '));
  return raw as QueryEngineChoice;
};

export const parseTableFormat = (raw: string): TableFormatChoice => {
  if (!(tableFormatChoices as readonly string[]).includes(raw))
    throw invalid('table format', raw, tableFormatChoices.join(' or '));
  return raw as TableFormatChoice;
};

export const parseLogPersonalFields = (raw: string): LogPersonalFieldsChoice => {
  if (!(logPersonalFieldsChoices as readonly string[]).includes(raw))
    throw invalid('log personal fields mode', raw, logPersonalFieldsChoices.join(' or '));
  return raw as LogPersonalFieldsChoice;
};

export const parseSqlName =
  (what: string) =>
  (raw: string): string => {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(raw)) throw invalid(what, raw, 'letters, digits and "_"');
    return raw;
  };

export const parseRedisPrefix = (raw: string): string => {
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(raw))
    throw invalid('Redis key prefix', raw, 'up to 64 letters, digits, ":", ".", "_" or "-"');
  return raw;
};

/** Printable ASCII without spaces (it travels in an Authorization header), long enough not to be guessed. */
export const parseToken = (raw: string): string => {
  if (!/^[\x21-\x7e]{16,256}$/.test(raw))
    throw new GamepipeError(
      'CONFIG_INVALID',
      'invalid status token: expected 16 to 256 printable characters without spaces',
      { hint: 'e.g. openssl rand -base64 24' },
    );
  return raw;
};

export const parseMetricsAccess = (raw: string): MetricsAccess => {
  if (!(metricsAccessChoices as readonly string[]).includes(raw))
    throw invalid('metrics access', raw, metricsAccessChoices.join(' or '));
  return raw as MetricsAccess;
};

export const parseLimit = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw invalid('signup limit', raw, 'a whole number from 0 (no limit) to 1000000');
  return n;
};

export const parseWindow = (raw: string): number => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = match
    ? Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!)
    : NaN;
  if (!(ms >= 1000 && ms <= 24 * 3_600_000)) throw invalid('signup window', raw, 'a duration from 1s to 24h, like 10m');
  return ms;
};

/** Comma-separated IP addresses; `none` for an empty list. */
export const parseAddresses =
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

export const nonEmpty =
  (key: string) =>
  (raw: string): string => {
    if (raw.trim() === '') throw invalid(key, raw, 'a non-empty value');
    return raw;
  };
