import type { TableSpec } from '../../events/tables.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { allTableSpecs } from '../lake-tables.js';
import type { TableRegistration, TableRegistry } from '../table-registry.js';

const CATALOG_PATH = '_catalog.json';

/**
 * The embedded registry: the names of the declared tables in `_catalog.json` at the lake's root,
 * read by the DuckDB engine. Columns always follow the schemas (views are built from them), so a
 * declared table can never disagree with them; partitions need no declaring (views list them).
 */
export class LakeCatalogRegistry implements TableRegistry {
  constructor(private readonly storage: LakeStorage) {}

  async declared(specs: TableSpec[] = allTableSpecs): Promise<TableSpec[]> {
    const bytes = await this.storage.read(CATALOG_PATH);
    if (bytes === null) return [];
    let names: unknown;
    try {
      names = JSON.parse(bytes.toString());
    } catch {
      return [];
    }
    return Array.isArray(names) ? specs.filter((spec) => names.includes(spec.table)) : [];
  }

  async create(specs: TableSpec[]): Promise<TableRegistration[]> {
    const known = new Set((await this.declared()).map((s) => s.table));
    const names = allTableSpecs.filter((s) => known.has(s.table) || specs.includes(s)).map((s) => s.table);
    if (specs.some((s) => !known.has(s.table)))
      await this.storage.replace(CATALOG_PATH, Buffer.from(JSON.stringify(names)));
    return specs.map((s) => ({ table: s.table, outcome: known.has(s.table) ? 'exists' : 'created' }));
  }

  async addPartitions(): Promise<void> {}

  /** DuckDB's views list every generation of a partition: there is no location to switch. */
  async partitionDir(): Promise<undefined> {
    return undefined;
  }

  async switchPartition(): Promise<void> {}

  async close(): Promise<void> {}
}
