// Test-only entry for the tmux tests: the query shell over DuckDB on an empty local lake, as
// `gamepipe query` with no SQL will open it. Does nothing unless GAMEPIPE_SHELL_ENTRY=1, because
// `node --test dist/test/` loads every file under test/.
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { runQueryShell } from '../../src/ui/query-shell/run-query-shell.js';

if (process.env.GAMEPIPE_SHELL_ENTRY === '1') {
  const [lakeDir, historyFile] = process.argv.slice(2);
  const engine = await DuckdbQueryEngine.open(new LocalLakeStorage(lakeDir!));
  await runQueryShell(engine, { historyFile });
  await engine.close();
  process.stdout.write('shell closed\n');
}
