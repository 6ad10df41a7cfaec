import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';

/** Every table the lake can hold: the event tables and the dead letters. */
export const allTableSpecs: TableSpec[] = [...tableSpecs, deadLetterSpec];

const catalogPath = (root: string) => join(root, '_catalog.json');

/** Tables registered with `gamepipe tables create`, by name (`events_buy`...). */
export function registeredTables(root: string): TableSpec[] {
  let names: string[];
  try {
    names = JSON.parse(readFileSync(catalogPath(root), 'utf8')) as string[];
  } catch {
    return [];
  }
  return allTableSpecs.filter((spec) => names.includes(spec.table));
}

/** Registers tables; registering one twice is harmless. Returns the tables that were new. */
export function registerTables(root: string, specs: TableSpec[]): TableSpec[] {
  const known = new Set(registeredTables(root).map((s) => s.table));
  const added = specs.filter((s) => !known.has(s.table));
  mkdirSync(root, { recursive: true });
  const names = allTableSpecs.filter((s) => known.has(s.table) || added.includes(s)).map((s) => s.table);
  writeFileSync(`${catalogPath(root)}.tmp`, JSON.stringify(names));
  renameSync(`${catalogPath(root)}.tmp`, catalogPath(root));
  return added;
}
