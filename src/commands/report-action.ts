import { writeFileSync } from 'node:fs';
import { generateReport } from '../report/generate-report.js';
import { renderReportHtml } from '../report/render-report-html.js';
import { renderReportText } from '../report/render-report-text.js';
import type { CommandAction } from './command-spec.js';
import type { reportOptions } from './report.js';

export const reportAction: CommandAction<{}, typeof reportOptions> = async ({ options, config }) => {
  const report = await generateReport(config(), options.since);
  if (options.html) writeFileSync(options.html, renderReportHtml(report));
  const width = process.stdout.isTTY ? (process.stdout.columns ?? 80) : 80;
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report)}\n` : renderReportText(report, width));
  if (options.html) process.stderr.write(`gamepipe report: HTML report written to ${options.html}\n`);
};
