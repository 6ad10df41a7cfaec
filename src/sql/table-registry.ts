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
 * - `addPartitions` makes new `dt=` directories visible; repeating it is harmless;
 * - a date partition (`events_buy/dt=2026-11-28`, a lake path) is read from one generation
 *   directory (see `generationsOf`); `switchPartition` moves readers to another in one step.
 */
export interface TableRegistry {
  create(specs: TableSpec[]): Promise<TableRegistration[]>;
  /** The declared tables among `specs`. */
  declared(specs: TableSpec[]): Promise<TableSpec[]>;
  /** Declares these date partitions (`dt=2026-11-29` directory names) of a table; with none given, every one found in the lake. */
  addPartitions(spec: TableSpec, partitions?: string[]): Promise<void>;
  /**
   * The lake path the engine reads a date partition from, or undefined when the engine follows the
   * lake's listing (DuckDB: every generation, older files hidden by the newer ones' offset ranges)
   * or the partition is not declared. Fails with CONFIG_INVALID when the registry cannot tell.
   */
  partitionDir(spec: TableSpec, dateDir: string): Promise<string | undefined>;
  /**
   * Points the engine's readers of a date partition at the lake path `to` in one atomic step,
   * refusing (METASTORE_ERROR, nothing changed) when the partition is not read from `from` any more.
   * Nothing to do for a registry whose engine follows the listing.
   */
  switchPartition(spec: TableSpec, dateDir: string, to: string, from: string): Promise<void>;
  close(): Promise<void>;
}

/** Declares the tables, then every date partition the lake already holds for them: what `tables create` does. */
export async function declareTables(registry: TableRegistry, specs: TableSpec[]): Promise<TableRegistration[]> {
  const registrations = await registry.create(specs);
  for (const spec of specs) await registry.addPartitions(spec);
  return registrations;
}
