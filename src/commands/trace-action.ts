import { formatTrace } from '../verify/format-trace.js';
import { traceEvent } from '../verify/trace-event.js';
import type { CommandAction } from './command-spec.js';
import type { traceArgs, traceOptions } from './trace.js';
import { DISCREPANCY_EXIT } from '../verify/verify-report.js';
import { EXIT } from '../exit-codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const traceAction: CommandAction<typeof traceArgs, typeof traceOptions> = async ({ args, options, config }) => {
  const eventId = args.eventId.trim().toLowerCase();
  if (!UUID.test(eventId)) {
    process.stderr.write(
      `gamepipe trace: "${args.eventId.slice(0, 64)}" is not an event id (a UUID like 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b)\n`,
    );
    process.exitCode = EXIT.usage;
    return;
  }
  const resolved = config();
  const trace = await traceEvent(resolved, eventId, options.serverLog);
  process.stdout.write(options.json ? `${JSON.stringify(trace)}\n` : formatTrace(trace));
  if (trace.stage !== 'lake' && trace.stage !== 'log-only') process.exitCode = DISCREPANCY_EXIT;
};
