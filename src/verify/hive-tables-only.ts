import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import { GamepipeError } from '../errors.js';

/**
 * verify and trace read the Hive layout (`_positions/`, `dt=` directories); on Iceberg tables they
 * would report every landed event as missing. Until they read snapshots, they say so and check nothing.
 */
export function refuseIcebergTables(config: Config, command: 'verify' | 'trace'): void {
  if (deploymentOf(config).tableFormat !== 'iceberg') return;
  throw new GamepipeError(
    'USAGE',
    `${command} does not read Iceberg tables yet (it would find every landed event missing): nothing was checked`,
    { hint: "count with gamepipe query, which reads the tables' snapshots, or Trino" },
  );
}
