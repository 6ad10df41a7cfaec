import { writeFileSync } from 'node:fs';
import { GamepipeError } from '../errors.js';
import { generateReport, generateRestatement } from '../report/generate-report.js';
import { renderReportHtml } from '../report/render-report-html.js';
import { renderReportText } from '../report/render-report-text.js';
import { renderRestatementText } from '../report/render-restatement-text.js';
import type { CommandAction } from './command-spec.js';
import type { reportOptions } from './report.js';

export const reportAction: CommandAction<{}, typeof reportOptions> = async ({ options, config }) => {
  const width = process.stdout.isTTY ? (process.stdout.columns ?? 80) : 80;
  if (options.changesSince !== undefined) {
    if (options.html)
      throw new GamepipeError('USAGE', '--html draws the report; --changes-since prints what late events changed');
    const restatement = await generateRestatement(config(), options.since, options.changesSince);
    process.stdout.write(
      options.format === 'json' ? `${JSON.stringify(restatement)}\n` : renderRestatementText(restatement, width),
    );
    return;
  }
  const report = await generateReport(config(), options.since);
  if (options.html) writeFileSync(options.html, renderReportHtml(report));
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report)}\n` : renderReportText(report, width));
  if (options.html) process.stderr.write(`gamepipe report: HTML report written to ${options.html}\n`);
};
