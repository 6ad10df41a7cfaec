import { join } from 'node:path';
import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import type { EraseDeps, EraseOutcome, LakeTables } from '../erase/erase-player.js';
import { GamepipeError } from '../errors.js';
import { openIcebergCatalog } from '../iceberg/open-iceberg-catalog.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage, scratchDirFor } from '../lake/storage/open-lake-storage.js';
import { openTableRegistry } from '../sql/open-query-engine.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { acquireDirLock } from '../util/dir-lock.js';
import type { CommandAction } from './command-spec.js';
import type { eraseOptions } from './erase.js';

/** The embedded state store's files: where its journal keeps names until it is compacted. */
export const embeddedStateFiles = (config: Config): string[] =>
  stateStoreKind(config) === 'embedded' ? [join(config.dataDir, 'state', 'journal')] : [];

/** Opens what erase and `verify --erased` need (the lake, the state store, the table format's means) and closes it all after `work`. */
export async function withErasureDeps<T>(config: Config, work: (deps: EraseDeps) => Promise<T>): Promise<T> {
  // The embedded state store has one writer: a running serve or up on the same data dir makes this refuse.
  const release =
    stateStoreKind(config) === 'embedded'
      ? acquireDirLock(config.dataDir, 'serve', 'a writer of the embedded state store (gamepipe serve, up or erase)')
      : () => undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    const storage = await openLakeStorage(config);
    closers.push(() => storage.close());
    const state = await createStateStore(config);
    closers.push(() => state.close());
    const lake = await lakeTablesOf(config, storage, closers);
    return await work({ storage, state, scratch: scratchDirFor(config, 'erase'), lake });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    release();
  }
}

async function lakeTablesOf(
  config: Config,
  storage: LakeStorage,
  closers: (() => Promise<void>)[],
): Promise<LakeTables> {
  const deployment = deploymentOf(config);
  if (deployment.tableFormat === 'iceberg') {
    const catalog = openIcebergCatalog({ metastoreUrl: config.metastoreUrl, storage });
    closers.push(() => catalog.close());
    return {
      format: 'iceberg',
      tableOptions: (table) => ({
        storage,
        catalog,
        ident: { database: config.schema, table: table.dir },
        dir: table.dir,
      }),
    };
  }
  const registry = await openTableRegistry(config, storage);
  closers.push(() => registry.close());
  return { format: 'hive', locations: registry, generations: deployment.compaction.closedDays };
}

/** The embedded store's journal still names an erased player until it is compacted, which opening it does. */
async function compactEmbeddedJournal(config: Config, state: StateStore): Promise<void> {
  if (stateStoreKind(config) !== 'embedded') return;
  await state.close();
  await (await createStateStore(config)).close();
}

function describe(name: string, o: EraseOutcome): string {
  if (o.result === 'already')
    return `${name} was erased at ${o.erasedAt}: nothing of them was found again, nothing changed\n`;
  const where = o.partitions.length > 0 ? `${o.partitions.length} date partitions` : `${o.tables.length} tables`;
  const parts = [
    o.account ? 'account deleted from the state store' : 'no account left in the state store',
    `${o.rows} rows pseudonymised in ${where}`,
    `${o.replays} replayed records pseudonymised`,
  ];
  return `Erased ${name}${o.resumed ? ' (an erasure stopped earlier, finished)' : ''}: ${parts.join(', ')}. Prove it: gamepipe verify --erased ${name}\n`;
}

export const eraseAction: CommandAction<{}, typeof eraseOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  const name = options.player;
  if (name === undefined || name === '') throw new GamepipeError('USAGE', 'erase needs --player <name>');
  if (!options.yes) {
    process.stdout.write(
      `Would erase ${name}: delete their account from the state store and give their rows in every lake table a pseudonym (figures keep them); nothing changed: add --yes to do it\n`,
    );
    return;
  }
  const { erasePlayer } = await import('../erase/erase-player.js');
  const outcome = await withErasureDeps(config, async (deps) => {
    const done = await erasePlayer(deps, name);
    if (done.account) await compactEmbeddedJournal(config, deps.state);
    return done;
  });
  if (outcome.result === 'unknown')
    throw new GamepipeError(
      'NOT_FOUND',
      `no player ${name}: no account in the state store, no rows in the lake, never erased; nothing changed`,
    );
  process.stdout.write(options.json ? `${JSON.stringify({ player: name, ...outcome })}\n` : describe(name, outcome));
};
