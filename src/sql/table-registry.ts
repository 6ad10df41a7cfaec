import type { TableSpec } from '../events/tables.js';

/** What `create` did for one table. */
export interface TableRegistration {
  table: string;
  outcome: 'created' | 'exists';
}

/**
 * Where the lake's tables are declared so that an engine can query them: the embedded catalog file
 * read by DuckDB, or a Hive metastore reached through Trino/Presto. Rules:
 * - `create` is idempotent: a table already declared with the schemas' columns is left as it is;
 *   one whose columns differ fails with TABLE_MISMATCH naming the difference, and is never dropped;
 * - every table is external, over `<lake>/<table dir>`, partitioned by `dt`;
 * - `addPartitions` makes new `dt=` directories visible; repeating it is harmless.
 */
export interface TableRegistry {
  create(specs: TableSpec[]): Promise<TableRegistration[]>;
  /** The declared tables among `specs`. */
  declared(specs: TableSpec[]): Promise<TableSpec[]>;
  /** Declares these date partitions (`dt=2026-11-29` directory names) of a table; with none given, every one found in the lake. */
  addPartitions(spec: TableSpec, partitions?: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Declares the tables, then every date partition the lake already holds for them: what `tables create` does. */
export async function declareTables(registry: TableRegistry, specs: TableSpec[]): Promise<TableRegistration[]> {
  const registrations = await registry.create(specs);
  for (const spec of specs) await registry.addPartitions(spec);
  return registrations;
}
