import { randomInt } from 'node:crypto';
import { Catalog } from '../catalog/catalog.js';
import { formatSimulation } from '../simulate/format-simulation.js';
import { landSimulation } from '../simulate/land-simulation.js';
import { runSimulation } from '../simulate/run-simulation.js';
import { planSimulation } from '../simulate/simulation-plan.js';
import type { CommandAction } from './command-spec.js';
import type { simulateOptions } from './simulate.js';

export const simulateAction: CommandAction<{}, typeof simulateOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  const plan = planSimulation({
    ...options,
    seed: options.seed ?? randomInt(2 ** 31),
    catalog: Catalog.fromFile(config.itemCatalog),
  });
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
  if (!options.land) return;
  const landing = await landSimulation(config);
  const said =
    'landed' in landing
      ? `landed ${landing.landed.toLocaleString('en-US')} rows in ${landing.lake}; try: gamepipe report`
      : `not landed here: ${landing.runningWriter}, and it lands them`;
  process.stderr.write(`gamepipe simulate: ${said}\n`);
};
