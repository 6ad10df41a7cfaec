import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { Positions } from '../eventlog/event-log.js';
import type { CommandAction } from './command-spec.js';
import type { tailOptions } from './events.js';
import { shutdownSignal } from './shutdown-signal.js';

const caughtUp = (position: Positions, end: Positions) => [...end].every(([p, o]) => (position.get(p) ?? 0) >= o);

export const eventsTailAction: CommandAction<{}, typeof tailOptions> = async ({ options, config }) => {
  const reader = await createEventLogReader(config(), { group: `gamepipe-tail-${process.pid}` });
  const end = await reader.endOffsets();
  await reader.seek(options.fromBeginning ? new Map() : end);
  const position: Positions = new Map(options.fromBeginning ? [] : end);
  let stopping = false;
  void shutdownSignal().then(() => (stopping = true));
  const typeMarker = options.type === undefined ? undefined : `"event_type":"${options.type}"`;
  while (!stopping) {
    if (options.exit && caughtUp(position, end)) break;
    const records = await reader.poll(5000, 200);
    const lines = records
      .filter((r) => typeMarker === undefined || r.value.includes(typeMarker))
      .map((r) => `${r.value}\n`);
    for (const r of records) position.set(r.partition, r.offset + 1);
    if (lines.length > 0 && !process.stdout.write(lines.join('')))
      await new Promise((r) => process.stdout.once('drain', r));
  }
  await reader.close();
};
