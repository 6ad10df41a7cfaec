import { logger } from '../../logger.js';
import type { IcebergTableOptions } from '../iceberg-table.js';
import { expireIcebergSnapshots } from '../maintenance/maintain-iceberg-table.js';
import type { TableMetadata } from '../table-metadata.js';

/** How often the writer holding log partition 0 expires its tables' old snapshots. */
const EVERY_MS = 10 * 60_000;
/**
 * How long snapshots are kept when the table does not say (`history.expire.max-snapshot-age-ms`):
 * a writer commits every few seconds, and each commit rewrites the metadata file listing every
 * snapshot, so Iceberg's 5 days would make that file tens of megabytes. An hour of time travel
 * (`query --as-of`, Trino's `FOR TIMESTAMP AS OF`) by default; set the property for more.
 */
export const WRITER_SNAPSHOT_RETENTION_MS = 3_600_000;

export function writerRetention(metadata: TableMetadata): number {
  const value = Number(metadata.properties['history.expire.max-snapshot-age-ms']);
  return Number.isFinite(value) && value > 0 ? value : WRITER_SNAPSHOT_RETENTION_MS;
}

/**
 * The writers' own snapshot expiry: every ten minutes, run by the writer holding log partition 0
 * (one per group), over the tables it has opened, deleting the files only the expired snapshots
 * reached (see expireIcebergSnapshots): with the metadata files each commit drops and the merge on
 * append, what keeps a table bounded with no `tables maintain`. A failure is logged and tried again
 * next time: it never stops the writer, and each expiry is one compare-and-swap commit.
 */
export class WriterSnapshotExpiry {
  private lastRun: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  async runIfDue(
    claimed: ReadonlySet<number>,
    tables: readonly { options: IcebergTableOptions; metadata: TableMetadata }[],
  ): Promise<void> {
    const now = this.now();
    if (!claimed.has(0) || (this.lastRun !== undefined && now - this.lastRun < EVERY_MS)) return;
    this.lastRun = now;
    for (const { options, metadata } of tables) {
      try {
        const { expired, files } = await expireIcebergSnapshots(options, {
          retentionMs: writerRetention(metadata),
          now: this.now,
        });
        if (expired > 0) logger.info({ table: options.ident.table, expired, ...files }, 'expired old snapshots');
      } catch (error) {
        logger.warn({ table: options.ident.table, err: error }, 'snapshot expiry failed; trying again later');
      }
    }
  }
}
