import type { CompletionModel, FlagCompletion, ValueWords } from './completion-model.js';

/** Words a shell can take bare: anything else (a catalog item with a space) is left out. */
export const shellWords = (words: string[]): string => words.filter((w) => /^[\w.,:@%+=/-]+$/.test(w)).join(' ');

const valueText = (value: ValueWords): string =>
  'words' in value ? shellWords(value.words) : 'paths' in value ? `@${value.paths}` : '@free';

/** `case` branches of the flags that take a value: `'<path>|value:--flag'`, or any path for the global ones. */
function valueBranches(flags: FlagCompletion[], path: string | undefined): string[] {
  return flags.flatMap(({ names, value }) =>
    value === undefined
      ? []
      : names.map(
          (name) => `    ${path === undefined ? '*' : `'${path}'`}'|value:${name}') echo '${valueText(value)}' ;;`,
        ),
  );
}

/**
 * The bash completion script (bash 4+): `_gamepipe_words PATH KIND` answers from the model, and
 * `_gamepipe` walks the command line to the command being typed, then completes its subcommands,
 * its arguments, its flags (and the global ones) or the value of the flag before the cursor.
 */
export function bashCompletion(model: CompletionModel): string {
  const globals = model.globalFlags.flatMap((f) => f.names);
  const branches: string[] = [];
  for (const node of model.nodes) {
    const path = node.path.join(' ');
    if (node.subcommands.length > 0) branches.push(`    '${path}|sub') echo '${shellWords(node.subcommands)}' ;;`);
    if (node.args.length > 0) branches.push(`    '${path}|args') echo '${shellWords(node.args)}' ;;`);
    const flags = [...node.flags.flatMap((f) => f.names), ...globals];
    branches.push(`    '${path}|flags') echo '${shellWords(flags)}' ;;`);
    branches.push(...valueBranches(node.flags, path));
  }
  branches.push(...valueBranches(model.globalFlags, undefined));
  return `# bash completion for gamepipe, from \`gamepipe completion bash\`: add
#   source <(gamepipe completion bash)
# to ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/gamepipe

# _gamepipe_words PATH KIND: the words of KIND (sub, args, flags, value:--flag) for the command PATH;
# a value is @file, @dir or @free (any text) when it is not one of a set. Fails for an unknown pair.
_gamepipe_words() {
  case "$1|$2" in
${branches.join('\n')}
    *) return 1 ;;
  esac
}

_gamepipe() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' flag='' word sub words i
  # The command being typed: the words that are subcommands of the path so far; a flag's value is skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ $word == -* ]]; then
      if _gamepipe_words "$path" "value:$word" >/dev/null; then
        if [[ \${COMP_WORDS[i + 1]} == = ]]; then ((i += 2)); else ((i += 1)); fi
      fi
      continue
    fi
    for sub in $(_gamepipe_words "$path" sub); do
      if [[ $word == "$sub" ]]; then
        path=\${path:+$path }$word
        break
      fi
    done
  done
  # --flag value, --flag=value (bash splits the = into a word of its own)
  if [[ $cur == = ]]; then
    flag=\${COMP_WORDS[COMP_CWORD - 1]}
    cur=''
  elif ((COMP_CWORD >= 2)) && [[ \${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
    flag=\${COMP_WORDS[COMP_CWORD - 2]}
  elif ((COMP_CWORD >= 1)); then
    flag=\${COMP_WORDS[COMP_CWORD - 1]}
  fi
  if [[ $flag == -* ]] && words=$(_gamepipe_words "$path" "value:$flag"); then
    case $words in
      @file) { compopt -o filenames; } 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
      @dir) { compopt -o filenames; } 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
      @free) COMPREPLY=() ;;
      *) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_gamepipe_words "$path" flags)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_gamepipe_words "$path" sub) $(_gamepipe_words "$path" args)" -- "$cur"))
  fi
  return 0
}

complete -F _gamepipe gamepipe
`;
}

/** The zsh script: zsh runs the bash one through its bash-completion layer (bashcompinit), as many tools do. */
export function zshCompletion(model: CompletionModel): string {
  return `#compdef gamepipe
# zsh completion for gamepipe, from \`gamepipe completion zsh\`: add
#   source <(gamepipe completion zsh)
# to ~/.zshrc. It uses zsh's bash-completion layer (bashcompinit).
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }
autoload -U +X bashcompinit && bashcompinit

${bashCompletion(model)}`;
}
