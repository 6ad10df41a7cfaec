import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { TmuxSession } from './tmux-session.js';

const ENTRY = fileURLToPath(new URL('./query-shell-entry.js', import.meta.url));
const sessions: TmuxSession[] = [];
after(() => {
  for (const s of sessions) s.kill();
});

function openShell(lake: string, history: string): TmuxSession {
  const session = TmuxSession.start(`${process.execPath} ${ENTRY} ${lake} ${history}`, {
    columns: 100,
    rows: 30,
    env: { GAMEPIPE_SHELL_ENTRY: '1', NO_COLOR: '1', GAMEPIPE_PAGER: 'less -FXRS' },
  });
  sessions.push(session);
  return session;
}

const lastLine = (screen: string) => screen.trimEnd().split('\n').at(-1)!;

test('the query shell in a terminal: a multi-line statement, a refused one, paging, history across runs', {
  skip: !TmuxSession.available() && !process.env.CI && 'tmux is not installed',
}, async () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');
  mkdirSync(lake);
  const history = join(dir, 'query-history');

  const shell = openShell(lake, history);
  await shell.waitFor((s) => lastLine(s) === 'gamepipe>', 20_000, 'the prompt');

  shell.typeLine('select 42 as answer,');
  await shell.waitFor((s) => /^ +->$/.test(lastLine(s)), 5000, 'the continuation prompt');
  shell.typeLine("  'two lines' as how;");
  let screen = await shell.waitFor(/Query finished on duckdb: 1 row in \d+\.\d\d s/);
  assert.match(screen, / answer \|    how\s*\n--------\+-----------\n +42 \| two lines\n\(1 row\)/);
  await shell.waitFor((s) => lastLine(s) === 'gamepipe>');

  shell.typeLine('selec 1;');
  screen = await shell.waitFor(/Query failed: .*\n\ngamepipe>$/, 10_000, 'one error line, then the prompt');
  const failure = screen.split('\n').find((l) => l.startsWith('Query failed: '))!;
  assert.match(failure, /syntax error at or near "selec"/);
  assert.doesNotMatch(screen, /LINE 1|^\s+at /m, 'no second line of the error, no stack');

  // A long query shows Trino's status line while it runs, and Ctrl-C cancels it, not the shell.
  shell.typeLine('select count(*) from range(100000000000);');
  await shell.waitFor((s) => /^RUNNING +0 rows/.test(lastLine(s)), 10_000, 'the running status line');
  shell.keys('C-c');
  screen = await shell.waitFor(/Query cancelled\n\ngamepipe>$/, 10_000, 'the query cancelled, then the prompt');
  assert.doesNotMatch(screen, /RUNNING/, 'the status line is erased');

  // Taller than the screen: through less, which waits at its ':' prompt until q.
  shell.typeLine('select range as n from range(60);');
  await shell.waitFor((s) => lastLine(s) === ':', 10_000, "less's prompt");
  shell.keys('q');
  await shell.waitFor((s) => lastLine(s) === 'gamepipe>', 10_000, 'the prompt after the pager');

  // Up recalls the whole multi-line statement as one line, within the session...
  shell.keys('Up', 'Up', 'Up', 'Up');
  await shell.waitFor(
    (s) => lastLine(s) === "gamepipe> select 42 as answer, 'two lines' as how;",
    5000,
    'the statement recalled',
  );
  shell.keys('C-u');
  shell.typeLine('quit');
  await shell.waitFor(/shell closed/, 10_000);

  // ...and after a restart, from the history file.
  const again = openShell(lake, history);
  await again.waitFor((s) => lastLine(s) === 'gamepipe>', 20_000, 'the prompt');
  again.keys('Up');
  await again.waitFor((s) => lastLine(s) === 'gamepipe> select range as n from range(60);', 5000, 'the last statement');
  again.keys('Up');
  await again.waitFor(
    (s) => lastLine(s) === 'gamepipe> select count(*) from range(100000000000);',
    5000,
    'the cancelled statement',
  );
  again.keys('Up');
  await again.waitFor((s) => lastLine(s) === 'gamepipe> selec 1;', 5000, 'the refused statement');
  again.keys('Up', 'Enter');
  screen = await again.waitFor(/Query finished on duckdb: 1 row/, 10_000, 'the recalled statement run again');
  assert.match(screen, /gamepipe> select 42 as answer, 'two lines' as how;\n/);
  again.keys('C-d');
  await again.waitFor(/shell closed/, 10_000);
});
