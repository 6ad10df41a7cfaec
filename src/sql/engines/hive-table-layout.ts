import { trinoType, type FieldType } from '../../events/field-types.js';
import { deadLetterSpec, type TableSpec } from '../../events/tables.js';
import { normalLocation } from '../../metastore/normal-location.js';
import { trinoIdentifier, trinoName, trinoString } from './trino-sql.js';

export interface HiveColumn {
  name: string;
  type: string;
  partitionKey: boolean;
  doc?: string;
}

/**
 * How a table sits in the Hive metastore. Event tables: one external location, `dt=` directories
 * right below it. The dead letters are written to `events_dead_letter/<writer>/dt=.../`, which no
 * single `dt` key can describe, so their table is partitioned by (writer, dt), `writer` being the
 * column every dead letter already holds; its partitions are registered one by one with explicit
 * locations, since `sync_partition_metadata` only finds `key=value` directory names.
 */
export interface HiveTableLayout {
  spec: TableSpec;
  /** Data columns first, partition keys last, as Trino requires. */
  columns: HiveColumn[];
  partitionKeys: string[];
  /** `<lake>/<table>`, without a trailing slash. */
  location: string;
  /** Partition locations are explicit (`<location>/<writer>/dt=...`) rather than `key=value` paths. */
  explicitPartitionLocations: boolean;
}

/** Trino's type names, or Presto's: Presto's timestamp has no precision. */
export const hiveTypeFor = (engine: string, type: FieldType): string =>
  engine === 'presto' && type === 'timestamp_ms' ? 'timestamp' : trinoType[type];

export function hiveTableLayout(spec: TableSpec, lakeUri: string, engine: string): HiveTableLayout {
  const partitionKeys = spec === deadLetterSpec ? ['writer', 'dt'] : ['dt'];
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const data = spec.columns.filter((c) => !partitionKeys.includes(c.name));
  const columns: HiveColumn[] = [
    ...data.map((c) => ({ name: c.name, type: hiveTypeFor(engine, c.type), partitionKey: false, doc: c.doc })),
    ...partitionKeys.map((name) => {
      const field = byName.get(name);
      return {
        name,
        type: field ? hiveTypeFor(engine, field.type) : 'varchar',
        partitionKey: true,
        doc: field?.doc ?? 'date partition (UTC), from the directory name',
      };
    }),
  ];
  return {
    spec,
    columns,
    partitionKeys,
    location: `${lakeUri.replace(/\/+$/, '')}/${spec.table}`,
    explicitPartitionLocations: spec === deadLetterSpec,
  };
}

export function createTableSql(layout: HiveTableLayout, catalog: string, schema: string): string {
  const columns = layout.columns.map(
    (c) => `  ${trinoIdentifier(c.name)} ${c.type}${c.doc ? ` COMMENT ${trinoString(c.doc)}` : ''}`,
  );
  const keys = layout.partitionKeys.map(trinoString).join(', ');
  return (
    `CREATE TABLE IF NOT EXISTS ${trinoName(catalog, schema, layout.spec.table)} (\n${columns.join(',\n')}\n)\n` +
    `WITH (external_location = ${trinoString(layout.location)}, format = 'PARQUET', partitioned_by = ARRAY[${keys}])`
  );
}

/** What differs between a table in the metastore and its layout, one phrase each; empty when they agree. */
export function layoutDifferences(
  layout: HiveTableLayout,
  declared: HiveColumn[],
  declaredLocation: string | undefined,
): string[] {
  const differences: string[] = [];
  const found = new Map(declared.map((c) => [c.name, c]));
  for (const expected of layout.columns) {
    const actual = found.get(expected.name);
    if (!actual) differences.push(`column ${expected.name} missing`);
    else if (actual.type !== expected.type)
      differences.push(`column ${expected.name} is ${actual.type} in the metastore, ${expected.type} in the schemas`);
    else if (actual.partitionKey !== expected.partitionKey)
      differences.push(
        `column ${expected.name} is ${actual.partitionKey ? '' : 'not '}a partition key in the metastore`,
      );
  }
  const known = new Set(layout.columns.map((c) => c.name));
  for (const extra of declared.filter((c) => !known.has(c.name)))
    differences.push(`column ${extra.name} is not in the schemas`);
  if (declaredLocation !== undefined && normalLocation(declaredLocation) !== normalLocation(layout.location)) {
    differences.push(`location ${declaredLocation} in the metastore, ${layout.location} expected`);
  }
  return differences;
}
