#!/usr/bin/env node
// Import boundaries of src/: each floor (a top folder of src/, or a file at its root) may import only
// the floors its row names, so an import that climbs back up fails `npm run lint` with one line per
// violation. The table is ARCHITECTURE.md's "Floors"; change both together.
// Usage: node scripts/check-boundaries.mjs [src dir]   (exit 1 on any violation)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = ['errors', 'exit-codes', 'logger', 'util', 'types'];
const DOMAIN_LOW = [...BASE, 'config', 'events'];

/** What each floor may import, besides itself. Lowest first. */
export const rules = {
  errors: [],
  'exit-codes': ['errors'],
  logger: [],
  types: [],
  util: ['errors', 'logger'],
  config: BASE,
  events: BASE,
  catalog: BASE,
  eventlog: DOMAIN_LOW,
  state: [...DOMAIN_LOW, 'catalog'],
  // The Hive metastore's Thrift client: tables' locations and partitions, and the Iceberg catalog's pointer.
  metastore: BASE,
  lake: [...DOMAIN_LOW, 'eventlog'],
  iceberg: [...DOMAIN_LOW, 'eventlog', 'lake', 'metastore'],
  sql: [...DOMAIN_LOW, 'eventlog', 'lake', 'metastore', 'iceberg'],
  server: [...DOMAIN_LOW, 'catalog', 'eventlog', 'state'],
  load: [...DOMAIN_LOW, 'catalog'],
  metrics: [...DOMAIN_LOW, 'eventlog', 'lake', 'metastore', 'iceberg', 'sql', 'server'],
  streaming: [...DOMAIN_LOW, 'eventlog', 'lake', 'metastore', 'iceberg', 'sql', 'metrics'],
  // Dead letters listed, shown and replayed into the log exactly once (ledgers in the lake's _replays/).
  deadletters: [...DOMAIN_LOW, 'eventlog', 'lake', 'metastore', 'iceberg', 'sql'],
  // A player erased: state store, lake rewrites (Hive generations, Iceberg replace snapshots), replay ledgers; the proof.
  erase: [...DOMAIN_LOW, 'eventlog', 'state', 'lake', 'metastore', 'iceberg', 'sql', 'deadletters'],
  report: [...DOMAIN_LOW, 'catalog', 'eventlog', 'lake', 'metastore', 'iceberg', 'sql'],
  status: [...DOMAIN_LOW, 'eventlog', 'state', 'lake', 'metastore', 'iceberg', 'sql', 'metrics'],
  verify: [...DOMAIN_LOW, 'eventlog', 'state', 'lake', 'metastore', 'iceberg', 'sql', 'metrics', 'deadletters'],
  simulate: [
    ...DOMAIN_LOW,
    'catalog',
    'eventlog',
    'lake',
    'metastore',
    'iceberg',
    'sql',
    'streaming',
    'load',
    'report',
  ],
  ui: [...DOMAIN_LOW, 'lake', 'metastore', 'iceberg', 'sql', 'metrics'],
  commands: '*',
  // Shell completion is part of the command line: it reads the declared commands.
  completion: '*',
  cli: '*',
};

/**
 * Imports allowed against the table, each with its reason: a module path under src/ (no extension;
 * a folder ends with `/`) that a floor may import although its floor is above it.
 */
export const exceptions = [];

const floorOf = (pathInSrc) => pathInSrc.split('/')[0].replace(/\.(js|tsx?)$/, '');

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The module specifiers a source imports: static imports and re-exports, and dynamic `import('…')`. */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  for (const m of code.matchAll(
    /(?:^|[;}\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  ))
    found.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

/** One line per import of `srcDir` that its floor may not make. */
export function violations(srcDir) {
  const lines = [];
  for (const file of sourceFiles(srcDir)) {
    const from = relative(srcDir, file).split(sep).join('/');
    const floor = floorOf(from);
    const allowed = rules[floor];
    if (allowed === undefined) {
      lines.push(
        `${from}: src/${floor} has no row in the import rules (scripts/check-boundaries.mjs, ARCHITECTURE.md)`,
      );
      continue;
    }
    if (allowed === '*') continue;
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue; // a package or node: built-in
      const target = relative(srcDir, resolve(dirname(file), specifier))
        .split(sep)
        .join('/');
      if (target.startsWith('..')) continue; // outside src/
      const to = floorOf(target);
      if (to === floor || allowed.includes(to)) continue;
      const module = target.replace(/\.(js|tsx?)$/, '');
      const excepted = exceptions.some(
        (e) => e.from.includes(floor) && (e.to.endsWith('/') ? module.startsWith(e.to) : module === e.to),
      );
      if (!excepted) lines.push(`${from}: ${floor}/ may not import ${to}/ ('${specifier}')`);
    }
  }
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
  const found = violations(srcDir);
  for (const line of found) process.stderr.write(`${line}\n`);
  if (found.length > 0) {
    process.stderr.write(
      `${found.length} import${found.length === 1 ? '' : 's'} climb a floor (see ARCHITECTURE.md)\n`,
    );
    process.exit(1);
  }
}
