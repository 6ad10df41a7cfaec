import { formatPositions } from '../eventlog/positions.js';
import { formatResult } from '../sql/format-result.js';
import { collectStatus, type PipelineStatus } from '../status/collect-status.js';
import type { CommandAction } from './command-spec.js';
import type { statusOptions } from './status.js';

function formatStatus(s: PipelineStatus): string {
  const lines = [
    `server   ${s.server.url}: ${s.server.health}`,
    `state    ${s.state.backend} (${s.state.where}): ${s.state.reachable}`,
    `events   ${s.log.backend} (${s.log.where}, topic ${s.log.topic}): ${s.log.reachable}, end offsets ${formatPositions(s.log.endOffsets)}`,
    `lake     ${s.lake.uri}: ${s.lake.reachable}`,
    `engine   ${s.engine}`,
    '',
  ].join('\n');
  // Leases and the embedded catalog live in the lake: when it does not answer, who holds what is not known.
  const lakeUp = s.lake.reachable === 'ok';
  const heldBy = (w: PipelineStatus['writers'][number]) =>
    lakeUp ? [...new Set(w.partitions.map((p) => p.heldBy ?? 'no writer'))].join('; ') : 'unknown';
  const writers = formatResult(
    {
      columns: ['writer', 'position', 'events behind', 'held by'],
      rows: s.writers.map((w) => [w.owner, formatPositions(w.position), w.lag ?? 'unknown', heldBy(w)]),
    },
    'table',
  );
  // With a partitioned topic, who holds which partition and how far each is behind: writers of one table split them.
  const partitioned = s.writers.some((w) => w.partitions.length > 1);
  const partitions = partitioned
    ? `\n${formatResult({ columns: ['writer', 'partition', 'position', 'end', 'behind', 'held by'], rows: s.writers.flatMap((w) => w.partitions.map((p) => [w.owner, p.partition, p.position, p.end ?? 'unknown', p.lag ?? 'unknown', p.heldBy ?? 'no writer'])) }, 'table')}`
    : '';
  const tables = formatResult(
    {
      columns: ['table', 'registered', 'files'],
      rows: s.tables.map((t) => [
        t.table,
        !lakeUp
          ? 'unknown'
          : t.registered === null
            ? 'see gamepipe tables list'
            : t.registered
              ? 'yes'
              : 'no (gamepipe tables create)',
        t.files ?? 'unknown',
      ]),
    },
    'table',
  );
  return `${lines}\n${writers}${partitions}\n${tables}`;
}

export const statusAction: CommandAction<{}, typeof statusOptions> = async ({ options, config }) => {
  const status = await collectStatus(config());
  process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
};
