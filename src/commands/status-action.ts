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
  const writers = formatResult({ columns: ['writer', 'position', 'events behind'], rows: s.writers.map((w) => [w.owner, formatPositions(w.position), w.lag ?? 'unknown']) }, 'table');
  const tables = formatResult({ columns: ['table', 'registered', 'files'], rows: s.tables.map((t) => [t.table, t.registered === null ? 'see gamepipe tables list' : t.registered ? 'yes' : 'no (gamepipe tables create)', t.files ?? 'unknown']) }, 'table');
  return `${lines}\n${writers}\n${tables}`;
}

export const statusAction: CommandAction<{}, typeof statusOptions> = async ({ options, config }) => {
  const status = await collectStatus(config());
  process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
};
