import type { Config } from '../config/config-fields.js';
import { describeError, isGamepipeError } from '../errors.js';
import { deadLetterSpec, type TableSpec } from '../events/tables.js';
import { datePartitionDirs, filesIn, splitMerged } from '../lake/lake-files.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { allTableSpecs, tableDirs } from '../sql/lake-tables.js';
import { engineChoice } from '../config/deployment.js';
import { openQueryEngine, openTableRegistry } from '../sql/open-query-engine.js';
import { queryAll } from '../sql/query-engine.js';
import { trinoName } from '../sql/engines/trino-sql.js';
import { plural } from './finding-groups.js';
import type { Finding } from './verify-report.js';

/** A date directory as the metastore names its partition: `2026-11-29`, or `buy/2026-11-29` for the dead letters (writer, dt). */
function partitionName(spec: TableSpec, dateDir: string): string {
  const dt = dateDir.slice(dateDir.lastIndexOf('/dt=') + 4);
  return spec === deadLetterSpec ? `${dateDir.split('/')[1]}/${dt}` : dt;
}

/** A table's partitions that hold visible files, with their file counts. */
async function partitionsWithFiles(storage: LakeStorage, spec: TableSpec): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const dir of tableDirs(spec)) {
    for (const dateDir of await datePartitionDirs(storage, dir)) {
      const files = splitMerged(await filesIn(storage, dateDir)).visible.length;
      if (files > 0) found.set(partitionName(spec, dateDir), files);
    }
  }
  return found;
}

const fileTotal = (partitions: Map<string, number>) => [...partitions.values()].reduce((a, b) => a + b, 0);

/**
 * Tables the engine would not show although the lake holds their files: on DuckDB a table missing
 * from the lake's catalog; on Trino/Presto a table or a date partition missing from the Hive
 * metastore, or a registered partition whose directory holds nothing. A lake where no table is
 * declared at all is a note (tables are created with `gamepipe tables create all`), not a discrepancy.
 */
export async function catalogFindings(config: Config, storage: LakeStorage): Promise<Finding[]> {
  const withFiles = new Map<TableSpec, Map<string, number>>();
  for (const spec of allTableSpecs) {
    const partitions = await partitionsWithFiles(storage, spec);
    if (partitions.size > 0) withFiles.set(spec, partitions);
  }
  if (withFiles.size === 0) return [];
  const engine = engineChoice(config);
  try {
    const registry = await openTableRegistry(config, storage);
    const declared = await registry.declared(allTableSpecs).finally(() => registry.close());
    const where = engine === 'duckdb' ? '_catalog.json' : `${config.catalog}.${config.schema} (${engine})`;
    if (declared.length === 0)
      return [
        {
          kind: 'note',
          where,
          what: 'no table is declared yet: queries see nothing until `gamepipe tables create all`',
        },
      ];
    const findings: Finding[] = [];
    for (const [spec, partitions] of withFiles) {
      if (!declared.includes(spec)) {
        findings.push({
          kind: 'catalog',
          where,
          what: `does not declare ${spec.table}, whose ${plural(fileTotal(partitions), 'file')} queries do not see (gamepipe tables create all)`,
        });
      }
    }
    if (engine !== 'duckdb') findings.push(...(await metastorePartitionFindings(config, storage, declared, withFiles)));
    return findings;
  } catch (error) {
    if (!isGamepipeError(error)) throw error;
    return [
      { kind: 'catalog', where: engine, what: `could not compare the tables with the files: ${describeError(error)}` },
    ];
  }
}

async function metastorePartitionFindings(
  config: Config,
  storage: LakeStorage,
  declared: TableSpec[],
  withFiles: Map<TableSpec, Map<string, number>>,
): Promise<Finding[]> {
  const engine = await openQueryEngine(config, storage);
  const findings: Finding[] = [];
  try {
    for (const spec of declared) {
      const table = trinoName(config.catalog, config.schema, `${spec.table}$partitions`);
      const registered = new Set(
        (await queryAll(engine, `SELECT * FROM ${table}`)).rows.map((row) => row.map(String).join('/')),
      );
      const inLake = withFiles.get(spec) ?? new Map<string, number>();
      const where = `${config.catalog}.${config.schema}.${spec.table}`;
      for (const [partition, files] of inLake) {
        if (!registered.has(partition))
          findings.push({
            kind: 'catalog',
            where,
            what: `partition ${partition} is not registered: queries do not see its ${plural(files, 'file')} (gamepipe tables create all)`,
          });
      }
      const dirs = new Set(
        (await Promise.all(tableDirs(spec).map((d) => datePartitionDirs(storage, d))))
          .flat()
          .map((d) => partitionName(spec, d)),
      );
      for (const partition of registered) {
        if (!dirs.has(partition))
          findings.push({
            kind: 'catalog',
            where,
            what: `partition ${partition} is registered but its directory is not in the lake`,
          });
      }
    }
  } finally {
    await engine.close();
  }
  return findings;
}
