import { GamepipeError } from '../errors.js';
import type { EventType } from '../events/event-schemas.js';
import { flag, option } from './command-options.js';
import { defineCommand, defineGroup } from './command-spec.js';
import { lazy } from './lazy.js';

// The event types come with their schemas (and zod): loaded when `events tail` runs or shows its help.
const eventTypes = lazy(async () => (await import('../events/event-schemas.js')).eventTypes);

async function eventType(raw: string): Promise<EventType> {
  const types = await eventTypes.get();
  if (!(types as string[]).includes(raw))
    throw new GamepipeError('BAD_REQUEST', `unknown event type "${raw}"`, { hint: `one of ${types.join(', ')}` });
  return raw as EventType;
}

export const tailOptions = {
  fromBeginning: flag('--from-beginning', 'start at the oldest event instead of the newest'),
  type: option(
    '--type <event_type>',
    eventTypes.map((types) => `only this event type (${types.join(', ')})`),
    eventType,
    { complete: eventTypes },
  ),
  exit: flag('--exit', 'stop at the end of the log instead of waiting for more'),
};

export const eventsCommand = defineGroup({
  name: 'events',
  description: 'read the event log',
  commands: [
    defineCommand({
      name: 'tail',
      description: 'print events as JSON, one per line (like kafkacat -C)',
      options: tailOptions,
      action: async () => (await import('./events-tail-action.js')).eventsTailAction,
    }),
  ],
});
