import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/config-fields.js';
import { GamepipeError } from '../../errors.js';
import type { LakeStorage } from './lake-storage.js';
import { LocalLakeStorage } from './local/local-lake-storage.js';
import { ScratchDir } from './local/scratch-dir.js';
import { parseS3Uri, type S3Location, s3Uri } from './s3/s3-location.js';

export type LakeLocation =
  | { kind: 'local'; dir: string }
  | { kind: 'hdfs'; uri: string; root: string; webhdfsUrl: string }
  | { kind: 's3'; uri: string; location: S3Location; endpoint: string | undefined };

const WEBHDFS_DEFAULT_PORT = 9870;

/**
 * The S3-compatible store's address: `--s3-endpoint` (GAMEPIPE_S3_ENDPOINT), else the AWS SDK's own
 * variables (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL), read here because path-style addressing
 * follows from it; unset means AWS S3 itself.
 */
function s3Endpoint(config: Config, env: NodeJS.ProcessEnv): string | undefined {
  if (config.s3Endpoint) return config.s3Endpoint; // checked where the config is read
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const) {
    const raw = env[name];
    if (!raw) continue;
    // The SDK would say only "Invalid URL": name the variable, as for a GAMEPIPE_* one (exit 2).
    if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
      throw new GamepipeError('USAGE', `invalid ${name} "${raw.slice(0, 200)}": expected http://minio:9000`);
    return raw;
  }
  return undefined;
}

/** Where the configured lake is: `--lake`, else `<data-dir>/lake`. */
export function lakeLocation(config: Config, env: NodeJS.ProcessEnv = process.env): LakeLocation {
  const raw = config.lake ?? join(config.dataDir, 'lake');
  if (/^s3a?:/i.test(raw)) {
    const location = parseS3Uri(raw);
    return { kind: 's3', uri: s3Uri(location), location, endpoint: s3Endpoint(config, env) };
  }
  if (!/^(hdfs|webhdfs):/i.test(raw))
    return { kind: 'local', dir: resolve(raw.startsWith('file://') ? fileURLToPath(raw) : raw) };
  const url = new URL(raw);
  const root = `/${decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '')}`;
  const webhdfs = url.protocol === 'webhdfs:';
  const webhdfsUrl =
    config.webhdfsUrl ?? `http://${url.hostname}:${webhdfs && url.port ? url.port : WEBHDFS_DEFAULT_PORT}`;
  // Engines read the lake by its hdfs:// name (the NameNode's RPC port), whichever URI named it here.
  const rpc = webhdfs ? `hdfs://${url.hostname}:8020` : `hdfs://${url.host}`;
  return { kind: 'hdfs', uri: `${rpc}${root === '/' ? '' : root}`, root, webhdfsUrl };
}

/** The configured lake's storage adapter (not yet contacted: call `ping` to know it answers). */
export async function openLakeStorage(config: Config): Promise<LakeStorage> {
  const location = lakeLocation(config);
  if (location.kind === 'local') return new LocalLakeStorage(location.dir);
  if (location.kind === 's3') {
    const { S3LakeStorage } = await import('./s3/s3-lake-storage.js');
    return new S3LakeStorage({
      location: location.location,
      ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    });
  }
  const { WebHdfsLakeStorage } = await import('./webhdfs-lake-storage.js');
  return new WebHdfsLakeStorage({
    webhdfsUrl: location.webhdfsUrl,
    root: location.root,
    user: config.hdfsUser,
    uri: location.uri,
  });
}

/** Local room for a writer's files on their way into the lake; see ScratchDir. */
export function scratchDirFor(config: Config, writer: string): ScratchDir {
  const location = lakeLocation(config);
  return new ScratchDir(
    location.kind === 'local' ? join(location.dir, '_scratch') : join(config.dataDir, 'scratch'),
    writer,
  );
}
