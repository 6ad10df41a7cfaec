import { fetchServerAccepted, readRunSummary } from '../verify/accepted-counts.js';
import { formatVerifyReport } from '../verify/format-verify.js';
import { verifyLake } from '../verify/verify-lake.js';
import { DISCREPANCY_EXIT, discrepancies, type Finding } from '../verify/verify-report.js';
import type { AcceptedCounts } from '../verify/accepted-counts.js';
import { GamepipeError } from '../errors.js';
import { checkingUsage } from '../exit-codes.js';
import type { CommandAction } from './command-spec.js';
import type { verifyOptions } from './verify.js';

export const verifyAction: CommandAction<{}, typeof verifyOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  if (options.erased !== undefined)
    return (await import('./verify-erased-action.js')).verifyErased(config, options.erased, options.json);
  if (options.since !== undefined && options.until !== undefined && options.since >= options.until)
    throw new GamepipeError('USAGE', '--since must be before --until');
  let accepted: AcceptedCounts | undefined;
  let acceptedNote: Finding | undefined;
  if (options.against) accepted = checkingUsage(() => readRunSummary(options.against!));
  else {
    const host = config.host === 'localhost' || config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const url = options.metricsUrl ?? `http://${host}:${config.port}/metrics`;
    accepted = (await fetchServerAccepted(url)) ?? undefined;
    if (!accepted && options.metricsUrl)
      throw new GamepipeError('NOT_FOUND', `no metrics at ${url}`, { hint: 'is the server running there?' });
    if (!accepted)
      acceptedNote = {
        kind: 'note',
        where: url,
        what: 'no server answered: what it accepted is not compared (give --against run.json)',
      };
  }
  const report = await verifyLake(config, {
    window: { since: options.since, until: options.until },
    accepted,
    acceptedNote,
  });
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ ...report, clean: discrepancies(report).length === 0 })}\n`
      : formatVerifyReport(report),
  );
  if (discrepancies(report).length > 0) process.exitCode = DISCREPANCY_EXIT;
};
