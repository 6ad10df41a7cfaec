import { Catalog } from '../catalog/catalog.js';
import { configFields, metricsAccessChoices, queryEngineChoices } from '../config/config-fields.js';
import { bashCompletion, zshCompletion } from '../completion/bash-completion.js';
import { buildCompletionModel } from '../completion/completion-model.js';
import { fishCompletion } from '../completion/fish-completion.js';
import type { CommandAction, Completion } from './command-spec.js';
import type { completionArgs } from './completion.js';

/** The settings whose values are a fixed set (the others are URLs, names, numbers: free text). */
const settingChoices: Partial<Record<string, Completion>> = {
  engine: queryEngineChoices,
  metricsAccess: metricsAccessChoices,
};

export const completionAction: CommandAction<typeof completionArgs, Record<string, never>> = async ({
  args,
  config,
}) => {
  // Imported here: cli.ts lists this command.
  const { commandSpecs } = await import('../cli.js');
  const model = await buildCompletionModel({
    commands: commandSpecs,
    globalFlags: [
      { flag: '--config <file>' },
      ...configFields.map((field) => ({ flag: field.flag, complete: settingChoices[field.key] })),
    ],
    itemNames: Catalog.fromFile(config().itemCatalog).itemNames(),
  });
  const render = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }[args.shell];
  process.stdout.write(render(model));
};
