import { flag, option, text } from './command-options.js';
import { defineCommand } from './command-spec.js';
import { parseInstant } from '../verify/time-window.js';

export const verifyOptions = {
  since: option(
    '--since <time>',
    'only events accepted from this time: 2026-11-29, 2026-11-29T10:00:00Z, or a duration ago like 2h',
    (raw, f) => parseInstant(raw, f),
  ),
  until: option('--until <time>', 'only events accepted before this time (same forms as --since)', (raw, f) =>
    parseInstant(raw, f),
  ),
  against: text(
    '--against <run.json>',
    "compare with what a `gamepipe load --out run.json` run was accepted (default: the server's /metrics, when it answers)",
  ),
  metricsUrl: text('--metrics-url <url>', "the server's metrics (default http://<--host>:<--port>/metrics)"),
  erased: text(
    '--erased <name>',
    'instead: certify that nothing of this erased player is readable anywhere gamepipe writes (exit 3 naming what is)',
  ),
  json: flag('--json', 'print the report as JSON'),
};

export const verifyCommand = defineCommand({
  name: 'verify',
  description:
    'check that every accepted event is in the log and every committed one in the lake exactly once; exit 3 naming the places when not',
  options: verifyOptions,
  helpAfter:
    '\nExit status: 0 clean, 3 discrepancies found (each named with the file, offsets or event ids to look at),\n' +
    '1 when verify could not run (a store that does not answer, a bad option).',
  action: async () => (await import('./verify-action.js')).verifyAction,
});
