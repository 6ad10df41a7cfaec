import { shellWords } from './bash-completion.js';
import type { CompletionModel, FlagCompletion } from './completion-model.js';

/** One `complete` line per flag name: `-l trigger -r` takes a value, with its words or paths. */
function flagLines(flags: FlagCompletion[], condition: string): string[] {
  return flags.flatMap(({ names, value }) =>
    names.map((name) => {
      const which = name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`;
      if (value === undefined) return `complete -c gamepipe${condition} ${which}`;
      if ('words' in value) return `complete -c gamepipe${condition} ${which} -x -a '${shellWords(value.words)}'`;
      if ('paths' in value)
        return value.paths === 'dir'
          ? `complete -c gamepipe${condition} ${which} -x -a '(__fish_complete_directories)'`
          : `complete -c gamepipe${condition} ${which} -r -F`;
      return `complete -c gamepipe${condition} ${which} -x`;
    }),
  );
}

/**
 * The fish completion script: `__gamepipe_path` finds the command being typed (the words that are
 * subcommands of the path so far), and each completion applies at one path; the global flags anywhere.
 */
export function fishCompletion(model: CompletionModel): string {
  const subBranches = model.nodes
    .filter((n) => n.subcommands.length > 0)
    .map((n) => `        case '${n.path.join(' ')}'\n            string split ' ' -- '${shellWords(n.subcommands)}'`);
  const lines: string[] = ['complete -c gamepipe -f'];
  for (const node of model.nodes) {
    const at = ` -n '__gamepipe_at ${node.path.join(' ')}'`;
    const words = [...node.subcommands, ...node.args];
    if (words.length > 0) lines.push(`complete -c gamepipe${at} -a '${shellWords(words)}'`);
    lines.push(...flagLines(node.flags, at));
  }
  lines.push(...flagLines(model.globalFlags, ''));
  return `# fish completion for gamepipe, from \`gamepipe completion fish\`: save it with
#   gamepipe completion fish > ~/.config/fish/completions/gamepipe.fish

function __gamepipe_subcommands
    switch "$argv"
${subBranches.join('\n')}
    end
end

# The command being typed: the words of the command line that are subcommands of the path so far.
function __gamepipe_path
    set -l path
    for word in (commandline -opc)[2..-1]
        string match -q -- '-*' $word; and continue
        contains -- $word (__gamepipe_subcommands $path); and set path $path $word
    end
    echo "$path"
end

function __gamepipe_at
    set -l path (__gamepipe_path)
    test "$path" = "$argv"
end

${lines.join('\n')}
`;
}
