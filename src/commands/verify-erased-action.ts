import type { Config } from '../config/config-fields.js';
import { formatErasedProof, proveErased } from '../erase/erased-proof.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import type { LogRecord } from '../eventlog/event-log.js';
import { scanLog } from '../verify/scan-log.js';
import { DISCREPANCY_EXIT } from '../verify/verify-report.js';
import { embeddedStateFiles, withErasureDeps } from './erase-action.js';

/** Every record the log retains now, in batches. */
async function* retainedRecords(config: Config): AsyncGenerator<LogRecord[]> {
  const reader = await createEventLogReader(config, { group: 'gamepipe-verify-erased' });
  try {
    yield* scanLog(reader, await reader.endOffsets());
  } finally {
    await reader.close();
  }
}

const retentionOf = (config: Config): string =>
  eventLogKind(config) === 'kafka'
    ? `the topic ${config.topic}'s retention.ms; kafka-configs --describe --topic ${config.topic} shows it`
    : `the embedded log keeps every record: its segments under ${config.dataDir} are deleted only with the data dir`;

/** `gamepipe verify --erased NAME`: the proof, exit 3 when something of the player is still readable. */
export async function verifyErased(config: Config, name: string, json: boolean): Promise<void> {
  const proof = await withErasureDeps(config, (deps) =>
    proveErased(
      {
        storage: deps.storage,
        state: deps.state,
        scratch: deps.scratch,
        stateFiles: embeddedStateFiles(config),
        scanLog: () => retainedRecords(config),
        logRetention: retentionOf(config),
      },
      name,
    ),
  );
  process.stdout.write(json ? `${JSON.stringify(proof)}\n` : formatErasedProof(proof));
  if (!proof.certified) process.exitCode = DISCREPANCY_EXIT;
}
