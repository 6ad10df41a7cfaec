import { randomInt } from 'node:crypto';
import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { engineChoice } from '../config/deployment.js';
import { checkingUsage } from '../exit-codes.js';
import { lakeLocation } from '../lake/storage/open-lake-storage.js';
import { formatSimulation } from '../simulate/format-simulation.js';
import { landSimulation, pingLake } from '../simulate/land-simulation.js';
import { runSimulation } from '../simulate/run-simulation.js';
import { planSimulation } from '../simulate/simulation-plan.js';
import type { CommandAction } from './command-spec.js';
import type { simulateOptions } from './simulate.js';

export const simulateAction: CommandAction<{}, typeof simulateOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  const catalog = Catalog.fromFile(config.itemCatalog);
  const plan = checkingUsage(() => planSimulation({ ...options, seed: options.seed ?? randomInt(2 ** 31), catalog }));
  // Landing is part of the run: a lake that does not answer is found before the log takes a month of events.
  if (options.land) await pingLake(config);
  const tty = process.stderr.isTTY === true;
  let done = 0;
  const result = await runSimulation(config, plan, (day) => {
    if (tty) process.stderr.write(`\rsimulated ${day} (${++done}/${plan.days})${done === plan.days ? '\n' : ''}`);
  });
  process.stdout.write(
    options.json
      ? `${JSON.stringify(result)}\n`
      : formatSimulation(result, process.stdout.isTTY ? (process.stdout.columns ?? 80) : 80),
  );
  process.stderr.write(`gamepipe simulate: ${await landAndSayNext(config, options.land)}\n`);
};

/**
 * Lands the events unless told not to, and says what happened with the one next step that works from
 * there: the report once they are landed (landing declares the tables too), else the writer that lands them.
 */
async function landAndSayNext(config: Config, land: boolean): Promise<string> {
  if (!land) return 'the events are in the log only (--no-land); next: gamepipe stream all --once';
  const landing = await landSimulation(config);
  // DuckDB reads a local lake only: on S3 or HDFS the report needs Trino or Presto.
  const report =
    engineChoice(config) === 'duckdb' && lakeLocation(config).kind !== 'local'
      ? 'gamepipe report --trino-url http://trino:8080 (DuckDB reads no s3:// or hdfs:// lake here)'
      : 'gamepipe report';
  if ('landed' in landing)
    return `landed ${landing.landed.toLocaleString('en-US')} rows in ${landing.lake}; next: ${report}`;
  return `not landed here: ${landing.runningWriter}, and it lands them; next: ${report} once it has`;
}
