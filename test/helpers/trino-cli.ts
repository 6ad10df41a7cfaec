import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TRINO_SH = fileURLToPath(new URL('../../../test/services/trino.sh', import.meta.url));

/**
 * Runs one statement with the Trino CLI (the jar `test/services/trino.sh` keeps), as the seed's
 * walkthrough ran `presto --catalog hive --schema default --execute …`: what a user types, not
 * gamepipe's client. Its stdout is the CLI's default CSV (`"42"`).
 */
export function trinoCli(
  trinoUrl: string,
  where: { catalog: string; schema: string },
  statement: string,
): SpawnSyncReturns<string> {
  const jar = spawnSync('bash', [TRINO_SH, 'cli-path'], { encoding: 'utf8' }).stdout.trim();
  return spawnSync(
    'java',
    [
      '-Dorg.jline.terminal.dumb=true',
      '-jar',
      jar,
      '--server',
      new URL(trinoUrl).host,
      '--catalog',
      where.catalog,
      '--schema',
      where.schema,
      '--execute',
      statement,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
}
