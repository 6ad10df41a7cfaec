import { deploymentOf } from '../config/deployment.js';
import { GamepipeError } from '../errors.js';
import { asUsageError } from '../exit-codes.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import type { CommandAction } from './command-spec.js';
import type { tablesMaintainOptions } from './tables.js';

/** `gamepipe tables maintain`: maintainIcebergTable on every table the catalog has, one line each. */
export const maintainTables: CommandAction<{}, typeof tablesMaintainOptions> = async ({ options, config: resolve }) => {
  const config = resolve();
  if (deploymentOf(config).tableFormat !== 'iceberg')
    throw new GamepipeError(
      'USAGE',
      "tables maintain keeps Iceberg tables (--table-format iceberg); Hive tables' files are merged by `tables compact`",
    );
  const [{ openIcebergCatalog }, { IcebergTable }, maintenance] = await Promise.all([
    import('../iceberg/open-iceberg-catalog.js'),
    import('../iceberg/iceberg-table.js'),
    import('../iceberg/maintenance/maintain-iceberg-table.js'),
  ]);
  if (options.orphanGrace < maintenance.MIN_ORPHAN_GRACE_MS)
    throw new GamepipeError(
      'USAGE',
      '--orphan-grace must be at least 1h: a commit may be about to name a younger file',
    );
  const storage = await openLakeStorage(config);
  const catalog = openIcebergCatalog({ metastoreUrl: config.metastoreUrl, storage });
  try {
    for (const spec of allTableSpecs) {
      const table = { storage, catalog, ident: { database: config.schema, table: spec.table }, dir: spec.table };
      if (!(await IcebergTable.open(table))) continue;
      const outcome = await maintenance
        .maintainIcebergTable(table, { retentionMs: options.retain, orphanGraceMs: options.orphanGrace })
        .catch((error) => {
          throw asUsageError(error);
        });
      process.stdout.write(`${maintenance.describeMaintenance(outcome)}\n`);
    }
  } finally {
    await catalog.close();
    await storage.close();
  }
};
