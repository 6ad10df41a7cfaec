import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import { describeError, GamepipeError } from '../errors.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';
import type { StateStore } from '../state/state-store.js';
import type { WriterTarget } from '../lake/owners.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openTableRegistry } from '../sql/open-query-engine.js';
import { formatProgress, type BatchProgress } from '../lake/batch/batch-progress.js';
import { defaultBatching } from '../streaming/batching.js';
import { StreamWriter } from '../streaming/stream-writer.js';
import type { CommandAction, OptionValues } from './command-spec.js';
import { shutdownSignal } from './shutdown-signal.js';
import type { streamArgs, streamOptions, writerOptions } from './stream.js';

/** One line on stderr per retry: what does not answer, which try, when the next. */
export const reportRetry = (writer: string) => (error: GamepipeError, attempt: number, delayMs: number) =>
  process.stderr.write(
    `gamepipe stream ${writer}: ${describeError(error)}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)}s\n`,
  );

/** StreamWriter's options from the command line's. */
export function streamWriterOptions(
  config: Config,
  target: WriterTarget,
  options: OptionValues<typeof writerOptions> & { once: boolean },
  onProgress: (p: BatchProgress) => void,
) {
  const deployment = deploymentOf(config);
  const defaults = defaultBatching(deployment);
  return {
    target,
    deployment,
    onRetry: reportRetry(target),
    triggerMs: options.trigger ?? defaults.triggerMs,
    once: options.once,
    maxBatchRecords: options.maxBatch,
    tailBatchRecords: defaults.tailBatchRecords,
    maxFileRows: options.maxFileRows,
    parquetWriter: options.parquetWriter,
    onProgress,
  };
}

/**
 * The players' keys, when the log's personal fields are sealed: Redis, shared with the servers. The
 * embedded state store lives in the server's process, so a separate writer cannot follow it: `up`
 * runs both in one process.
 */
async function openPlayerKeys(config: Config): Promise<StateStore | undefined> {
  if (!deploymentOf(config).sealsPersonalFields) return undefined;
  if (stateStoreKind(config) !== 'redis')
    throw new GamepipeError(
      'CONFIG_INVALID',
      "a stream writer opens sealed personal fields with the players' keys in the state store: with the embedded store, run `gamepipe up` (server and writers in one process), or use Redis (--redis-url)",
    );
  return createStateStore(config);
}

export const streamAction: CommandAction<typeof streamArgs, typeof streamOptions> = async ({
  args: { table: target },
  options,
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  const report = (p: BatchProgress) =>
    process.stdout.write(`${options.json ? JSON.stringify(p) : formatProgress(p)}\n`);
  const keys = await openPlayerKeys(config);
  const storage = await openLakeStorage(config);
  const registry = await openTableRegistry(config, storage);
  try {
    const writer = await StreamWriter.open(config, {
      ...streamWriterOptions(config, target, options, report),
      storage,
      registry,
      playerKeys: keys,
    });
    if (!options.json) process.stdout.write(`gamepipe stream ${target}: started, writing to ${writer.lakeUri}\n`);
    void shutdownSignal().then(() => writer.stop());
    try {
      await writer.run();
    } finally {
      await writer.close();
    }
  } finally {
    await registry.close();
    await keys?.close();
  }
  if (!options.json) process.stdout.write(`gamepipe stream ${target}: stopped\n`);
};
