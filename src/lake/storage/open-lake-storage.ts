import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/config-fields.js';
import type { LakeStorage } from './lake-storage.js';
import { LocalLakeStorage } from './local/local-lake-storage.js';
import { ScratchDir } from './local/scratch-dir.js';

export type LakeLocation =
  | { kind: 'local'; dir: string }
  | { kind: 'hdfs'; uri: string; root: string; webhdfsUrl: string };

const WEBHDFS_DEFAULT_PORT = 9870;

/** Where the configured lake is: `--lake`, else `<data-dir>/lake`. */
export function lakeLocation(config: Config): LakeLocation {
  const raw = config.lake ?? join(config.dataDir, 'lake');
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
