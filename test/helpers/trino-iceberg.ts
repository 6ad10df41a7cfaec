import type { TestContext } from 'node:test';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { HIVE_METASTORE_URL, requireHdfs, requireHiveMetastore, requireTrino, TRINO_URL } from './services.js';

/**
 * For the Iceberg tests on the real engines, opened in a `before` hook (which cannot skip tests):
 * HDFS, the metastore and Trino with an `iceberg` catalog on that metastore, and a Trino engine on
 * `schema` of that catalog; or, when one is absent, the reason each test skips with. Under CI an
 * absent service fails instead.
 */
export async function trinoOnIceberg(schema: string): Promise<{ trino: PrestoQueryEngine } | { skip: string }> {
  let skip = 'services absent';
  const t = { skip: (message: string) => void (skip = message) } as unknown as TestContext;
  if (!(await requireHdfs(t)) || !(await requireHiveMetastore(t)) || !(await requireTrino(t))) return { skip };
  const trino = new PrestoQueryEngine({
    engine: 'trino',
    url: TRINO_URL,
    user: 'gamepipe-test',
    catalog: 'iceberg',
    schema,
  });
  const catalogs = (await queryAll(trino, 'SHOW CATALOGS')).rows.map((r) => String(r[0]));
  if (catalogs.includes('iceberg')) return { trino };
  await trino.close();
  const message = `Trino at ${TRINO_URL} has no iceberg catalog; start it with GAMEPIPE_TEST_TRINO_METASTORE_URI=${HIVE_METASTORE_URL} test/services/trino.sh start`;
  if (process.env.CI) throw new Error(message);
  return { skip: message };
}
