import type { TableSpec } from '../../events/tables.js';
import { logger } from '../../logger.js';
import {
  type ClosedPartitionCompaction,
  type ClosedPartitionOutcome,
  compactClosedPartitions,
} from './closed-partition-compactor.js';

/**
 * What a stream writer runs after its batches: `compactClosedPartitions` at most once per `everyMs`
 * (closed days change rarely). A failure (the metastore down, another process's switch first) is
 * logged and the partition left as the protocol leaves it, for the next run to finish; the
 * writer's batches go on.
 */
export class ClosedPartitionSchedule {
  private lastRunMs = -Infinity;

  constructor(
    private readonly compaction: ClosedPartitionCompaction,
    private readonly everyMs = 10 * 60_000,
  ) {}

  async runIfDue(specs: TableSpec[], tableDirs: (spec: TableSpec) => string[]): Promise<ClosedPartitionOutcome[]> {
    const now = (this.compaction.now ?? Date.now)();
    if (now - this.lastRunMs < this.everyMs) return [];
    this.lastRunMs = now;
    try {
      return await compactClosedPartitions(this.compaction, specs, tableDirs);
    } catch (error) {
      logger.warn(
        { err: error, tables: specs.map((s) => s.table) },
        'compacting closed partitions failed; the next run finishes it',
      );
      return [];
    }
  }
}
