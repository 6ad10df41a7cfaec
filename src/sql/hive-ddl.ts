import { hiveType } from '../events/field-types.js';
import type { TableSpec } from '../events/tables.js';

const ident = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/**
 * The Hive statement for an external table over a table's Parquet directory, derived from the
 * event schemas, as the original walkthrough typed by hand. Run `MSCK REPAIR TABLE` after new
 * date partitions land.
 */
export function hiveDdl(spec: TableSpec, location: string, database = 'default'): string {
  const columns = spec.columns.map((c) => `  ${ident(c.name)} ${hiveType[c.type]}`).join(',\n');
  return (
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${ident(database)}.${ident(spec.table)} (\n${columns}\n)\n` +
    `PARTITIONED BY (${ident('dt')} STRING)\nSTORED AS PARQUET\nLOCATION '${location.replaceAll("'", "\\'")}'\n` +
    `TBLPROPERTIES ('parquet.compression'='SNAPPY');\n`
  );
}
