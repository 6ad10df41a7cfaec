import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-boundaries.mjs');

function check(srcDir?: string) {
  const run = spawnSync(process.execPath, [SCRIPT, ...(srcDir ? [srcDir] : [])], { encoding: 'utf8' });
  return { status: run.status, lines: run.stderr.trim().split('\n').filter(Boolean) };
}

/** A small src/ tree: each file's text by its path. */
function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the import-boundary check (npm run lint)', () => {
  it("passes on gamepipe's own src/", () => {
    const { status, lines } = check();
    assert.deepEqual(lines, []);
    assert.equal(status, 0);
  });

  it('fails with one line per import that climbs a floor, static or dynamic, and lets the allowed ones through', () => {
    const dir = tree({
      'errors.ts': 'export class GamepipeError extends Error {}\n',
      'sql/open-query-engine.ts': "import { GamepipeError } from '../errors.js';\nexport const engine = 'duckdb';\n",
      'streaming/route-record.ts': 'export const route = 1;\n',
      'lake/lake-writer.ts': [
        "import { GamepipeError } from '../errors.js';",
        "import { engine } from '../sql/open-query-engine.js';",
        '/** A comment naming import("../commands/x.js") is not an import. */',
        'export const writer = engine;',
      ].join('\n'),
      'sql/log-tail.ts': [
        "import type { writer } from '../lake/lake-writer.js';",
        'export async function tail() {',
        "  const { route } = await import('../streaming/route-record.js');",
        '  return route;',
        '}',
      ].join('\n'),
      'commands/query.ts':
        "import { tail } from '../sql/log-tail.js';\nimport { route } from '../streaming/route-record.js';\n",
    });
    const { status, lines } = check(dir);
    assert.equal(status, 1);
    assert.deepEqual(lines, [
      "lake/lake-writer.ts: lake/ may not import sql/ ('../sql/open-query-engine.js')",
      "sql/log-tail.ts: sql/ may not import streaming/ ('../streaming/route-record.js')",
      '2 imports climb a floor (see ARCHITECTURE.md)',
    ]);
  });

  it('fails on a floor that has no row in the rules', () => {
    const { status, lines } = check(tree({ 'plugins/new-thing.ts': 'export const x = 1;\n' }));
    assert.equal(status, 1);
    assert.match(lines[0]!, /^plugins\/new-thing\.ts: src\/plugins has no row in the import rules/);
  });
});
