import { argument, flag, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const traceArgs = {
  eventId: argument(
    '<event_id>',
    "the event's id (a UUID, as in the lake's event_id column or the server's x-event-id header)",
  ),
};

export const traceOptions = {
  serverLog: text('--server-log <file>', "the server's JSON log, to show the status its request was answered with"),
  json: flag('--json', 'print the trace as JSON'),
};

export const traceCommand = defineCommand({
  name: 'trace',
  description:
    'follow one event from its request to its log position and its lake file and row, or to the stage where it stopped',
  args: traceArgs,
  options: traceOptions,
  helpAfter:
    '\nExit status: 0 when the event reached its place (its table, or the log for events no table holds),\n3 when it stopped on the way (named), 2 for an id that is not a UUID, 1 when trace could not run.',
  action: async () => (await import('./trace-action.js')).traceAction,
});
