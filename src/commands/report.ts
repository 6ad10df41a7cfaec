import { parseChangesSince } from '../report/restatement.js';
import { parseSince } from '../report/report-window.js';
import { choice, option, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

const formats = ['table', 'json'] as const;

export const reportOptions = {
  since: option(
    '--since <span>',
    'the first day: 30d or 4w back from today (UTC), or a date like 2026-11-01',
    (raw) => parseSince(raw),
    { default: '30d' },
  ),
  changesSince: option(
    '--changes-since <time>',
    'instead of the report: which days before this time late events changed, by how much and why (6h, 2d, 2026-12-05, 2026-12-05T18:00:00Z)',
    (raw) => parseChangesSince(raw),
  ),
  html: text('--html <file>', 'also write the report as one self-contained HTML page, a chart per metric'),
  format: choice('--format <format>', formats.join(', '), formats, { default: 'table' }),
};

export const reportCommand = defineCommand({
  name: 'report',
  description:
    "answer the game's questions from the lake: active players, retention, revenue, paying players, first purchases, guilds (DuckDB, or Trino/Presto with --trino-url)",
  options: reportOptions,
  action: async () => (await import('./report-action.js')).reportAction,
});
