import { join } from 'node:path';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { LakeCatalogRegistry } from '../../src/sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../../src/sql/lake-tables.js';
import { queryAll } from '../../src/sql/query-engine.js';

/** The embedded lake of a data dir. */
export const localLake = (dataDir: string) => new LocalLakeStorage(join(dataDir, 'lake'));

/** Declares every table of a data dir's local lake and runs one statement on DuckDB. */
export async function queryLake(dataDir: string, sql: string): Promise<unknown[][]> {
  const storage = localLake(dataDir);
  await new LakeCatalogRegistry(storage).create(allTableSpecs);
  const engine = await DuckdbQueryEngine.open(storage);
  try {
    return (await queryAll(engine, sql)).rows;
  } finally {
    await engine.close();
  }
}
