import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { GamepipeError } from '../errors.js';
import { eventTypes } from '../events/event-schemas.js';
import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { Positions } from '../eventlog/event-log.js';
import { shutdownSignal } from './shutdown-signal.js';

interface TailOptions {
  fromBeginning?: boolean;
  type?: string;
  exit?: boolean;
}

const caughtUp = (position: Positions, end: Positions) => [...end].every(([p, o]) => (position.get(p) ?? 0) >= o);

export function registerEventsCommand(program: Command, resolveConfig: ConfigResolver): void {
  const events = program.command('events').description('read the event log');
  events
    .command('tail')
    .description('print events as JSON, one per line (like kafkacat -C)')
    .option('--from-beginning', 'start at the oldest event instead of the newest')
    .option('--type <event_type>', `only this event type (${eventTypes.join(', ')})`)
    .option('--exit', 'stop at the end of the log instead of waiting for more')
    .action(async (options: TailOptions, command: Command) => {
      if (options.type !== undefined && !(eventTypes as string[]).includes(options.type)) {
        throw new GamepipeError('BAD_REQUEST', `unknown event type "${options.type}"`, { hint: `one of ${eventTypes.join(', ')}` });
      }
      const config = resolveConfig(command);
      const reader = await createEventLogReader(config, { group: `gamepipe-tail-${process.pid}` });
      const end = await reader.endOffsets();
      await reader.seek(options.fromBeginning ? new Map() : end);
      const position: Positions = new Map(options.fromBeginning ? [] : end);
      let stopping = false;
      void shutdownSignal().then(() => (stopping = true));
      const typeMarker = options.type === undefined ? undefined : `"event_type":"${options.type}"`;
      while (!stopping) {
        if (options.exit && caughtUp(position, end)) break;
        const records = await reader.poll(5000, 200);
        const lines = records.filter((r) => typeMarker === undefined || r.value.includes(typeMarker)).map((r) => `${r.value}\n`);
        for (const r of records) position.set(r.partition, r.offset + 1);
        if (lines.length > 0 && !process.stdout.write(lines.join(''))) await new Promise((r) => process.stdout.once('drain', r));
      }
      await reader.close();
    });
}
