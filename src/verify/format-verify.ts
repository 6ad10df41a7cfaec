import { formatPositions } from '../eventlog/positions.js';
import { formatResult } from '../sql/format-result.js';
import { plural } from './finding-groups.js';
import { discrepancies, isDiscrepancy, type VerifyReport } from './verify-report.js';

const windowText = ({ since, until }: VerifyReport['window']) =>
  since === null && until === null ? 'everything' : `${since ?? 'the start'} to ${until ?? 'now'}`;

/** The report for a person: where, the counts per event type, then each discrepancy and note with the place to look. */
export function formatVerifyReport(report: VerifyReport): string {
  const header = [
    `lake      ${report.lake}`,
    `log       ${report.log}`,
    `window    ${windowText(report.window)} (by event time)`,
    `accepted  ${report.acceptedFrom ?? 'unknown (give --against run.json, or run verify where the server answers)'}`,
    `positions ${Object.entries(report.positions)
      .map(([owner, p]) => `${owner} ${formatPositions(p)}`)
      .join('  ')}`,
    '',
  ].join('\n');
  const counts = formatResult(
    {
      columns: ['event type', 'accepted', 'in log', 'committed', 'in lake', 'pending', 'dead letters'],
      rows: report.tallies.map((t) => [t.eventType, t.accepted, t.log, t.committed, t.lake, t.pending, t.deadLetters]),
    },
    'table',
  );
  const found = discrepancies(report);
  const notes = report.findings.filter((f) => !isDiscrepancy(f));
  const findingTable = (rows: VerifyReport['findings']) =>
    formatResult({ columns: ['check', 'where', 'what'], rows: rows.map((f) => [f.kind, f.where, f.what]) }, 'table');
  const verdict =
    found.length === 0
      ? `clean: ${plural(report.files, 'file')} checked in ${(report.elapsedMs / 1000).toFixed(1)} s\n`
      : `${plural(found.length, 'discrepancy', 'discrepancies')} in ${plural(report.files, 'file')} (checked in ${(report.elapsedMs / 1000).toFixed(1)} s):\n${findingTable(found)}`;
  return `${header}\n${counts}\n${notes.length > 0 ? `notes:\n${findingTable(notes)}\n` : ''}${verdict}`;
}
