import { tableSpecNamed } from './lake-tables.js';
import type { TableRegistry } from './table-registry.js';

/**
 * Declares the date partitions a writer creates, so that new `dt=` directories are queryable in the
 * metastore without a manual step. Each (table, date) is announced once per process; a registry
 * that does not answer keeps them pending for the next batch (the files are committed either way).
 */
export class PartitionAnnouncer {
  private readonly announced = new Set<string>();
  private readonly pending = new Set<string>();

  constructor(private readonly registry: TableRegistry) {}

  /** Takes the lake paths of committed files, e.g. `events_buy/dt=2026-11-29/events+0+0+9.parquet`. */
  async announce(paths: string[]): Promise<void> {
    for (const path of paths) {
      const dir = path.slice(0, path.lastIndexOf('/'));
      if (!this.announced.has(dir)) this.pending.add(dir);
    }
    for (const dir of [...this.pending]) {
      const spec = tableSpecNamed(dir.split('/')[0]!);
      if (spec) await this.registry.addPartitions(spec, [dir.split('/').at(-1)!]);
      this.pending.delete(dir);
      this.announced.add(dir);
    }
  }
}
