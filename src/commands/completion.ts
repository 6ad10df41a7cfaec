import { argument, oneOf } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

export const completionArgs = {
  shell: argument('<shell>', completionShells.join(', '), oneOf(completionShells, 'the shell')),
};

export const completionCommand = defineCommand({
  name: 'completion',
  description: "print the shell's completion script: commands, flags, table and item names",
  args: completionArgs,
  helpAfter:
    '\nbash: source <(gamepipe completion bash) in ~/.bashrc; zsh: source <(gamepipe completion zsh) in ~/.zshrc;\n' +
    'fish: gamepipe completion fish > ~/.config/fish/completions/gamepipe.fish\n' +
    'Item names come from the configured catalog (--item-catalog) when the script is made.',
  action: async () => (await import('./completion-action.js')).completionAction,
});
