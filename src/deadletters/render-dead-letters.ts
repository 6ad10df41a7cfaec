import type { DeadLetterGroup } from './dead-letter-rows.js';
import type { ReplayOutcome } from './replay-dead-letters.js';

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** `deadletters list` for a terminal: one block per writer and reason. */
export function renderDeadLetterGroups(groups: readonly DeadLetterGroup[], replayed: number): string {
  if (groups.length === 0) return 'No dead letters: every record the writers read was valid.\n';
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  const lines = [
    `${plural(total, 'dead letter')} in ${plural(groups.length, 'group')}, ${replayed.toLocaleString('en-US')} replayed so far`,
  ];
  for (const g of groups) {
    lines.push(
      '',
      `${g.writer}: ${plural(g.count, 'record')}, ${minute(g.first)} to ${minute(g.last)} UTC`,
      `  ${g.reason}`,
    );
  }
  lines.push('', 'See one: gamepipe deadletters show <partition:offset> (deadletters replay --dry-run lists them)');
  return `${lines.join('\n')}\n`;
}

/** `deadletters replay` for a terminal: what was appended, what was left and why. */
export function renderReplayOutcome(outcome: ReplayOutcome, dryRun: boolean): string {
  const lines: string[] = [];
  for (const f of outcome.finished)
    lines.push(
      `finished an earlier replay stopped half-way (ledger ${f.ledger}): ${plural(f.appended, 'record')} appended`,
    );
  const verb = dryRun ? 'would replay' : 'replayed';
  lines.push(
    outcome.replayed.length === 0
      ? `nothing to replay${outcome.skipped.length > 0 ? `: ${plural(outcome.skipped.length, 'dead letter')} left` : ''}`
      : `${verb} ${plural(outcome.replayed.length, 'dead letter')}${outcome.ledger ? ` (ledger _replays/${outcome.ledger}.json)` : ''}${dryRun ? '' : '; the stream writers land them with their next batch'}`,
  );
  for (const item of outcome.replayed.slice(0, 20))
    lines.push(`  ${item.deadLetter} -> ${item.writer}, event ${item.eventId}`);
  if (outcome.replayed.length > 20) lines.push(`  … and ${outcome.replayed.length - 20} more (--json lists all)`);
  if (outcome.skipped.length > 0) {
    lines.push(`left ${plural(outcome.skipped.length, 'dead letter')}:`);
    for (const s of outcome.skipped.slice(0, 20)) lines.push(`  ${s.deadLetter}: ${s.why}`);
    if (outcome.skipped.length > 20) lines.push(`  … and ${outcome.skipped.length - 20} more (--json lists all)`);
  }
  return `${lines.join('\n')}\n`;
}
