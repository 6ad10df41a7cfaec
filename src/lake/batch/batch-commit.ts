import { isGamepipeError } from '../../errors.js';
import type { Positions } from '../../eventlog/event-log.js';
import { holdsTableRows } from './encode-routed-file.js';
import type { RoutedBatch, RoutedFile } from './routed-batch.js';
import type { StagedFile } from './table-format.js';

/**
 * The steps of a batch, in order. A batch is at the last step it completed:
 *   ROUTED     read from the log and routed to its files; nothing of it in the lake.
 *   STAGED     every file encoded as Parquet and staged (`TableFormat.stage`): no reader sees it.
 *   COMMITTED  each log partition's files committed with the positions they reach
 *              (`TableFormat.commit`); small files merged where it wrote. Queries see the rows.
 *   LOG_ACKED  the log told the positions reached (Kafka: the group's offsets, which lag is measured
 *              against; the lake's positions, not these, decide where a writer resumes).
 *   ANNOUNCED  the landed batch published to the writer's subscribers (new date partitions declared
 *              to the metastore, the status record, the progress line).
 * What a crash at each step leaves: see ARCHITECTURE.md ("The write path").
 */
export const BATCH_STEPS = ['ROUTED', 'STAGED', 'COMMITTED', 'LOG_ACKED', 'ANNOUNCED'] as const;
export type BatchStep = (typeof BATCH_STEPS)[number];

/** What a committed batch did, handed to `announce`. */
export interface LandedBatch {
  batch: RoutedBatch;
  /** Per log partition, the next offset to read: every owner's committed position there. */
  consumed: Positions;
  /** The committed files, as readers name them. */
  files: string[];
  rowsWritten: number;
  deadLetters: number;
  mergedFiles: number;
  /** When staging started and when committing started, in the attempts that did them (UTC ms). */
  stagedFrom: number;
  committedFrom: number;
}

/** The work of each step, given by the lake writer (stage, commit) and the stream writer (ackLog, announce). */
export interface BatchSteps {
  /** Encodes one routed file and stages it. */
  stage(file: RoutedFile): Promise<StagedFile>;
  /** Commits staged files per log partition, advancing every owner to `consumed`; skips partitions already committed there. */
  commit(files: readonly StagedFile[], consumed: Positions): Promise<{ mergedFiles: number }>;
  ackLog(consumed: Positions): Promise<void>;
  announce(landed: LandedBatch): Promise<void>;
}

const nextStep = (step: BatchStep): BatchStep | undefined => BATCH_STEPS[BATCH_STEPS.indexOf(step) + 1];

/**
 * One routed batch on its way into the lake, as a visible state machine (the pattern of Kafka
 * Connect's TopicPartitionWriter): `run` takes it from its current step to ANNOUNCED, one named
 * step at a time. A failure leaves it at the last step it completed, and `run` again resumes at the
 * step that failed: an offset commit that fails re-uploads nothing, and a staging that fails
 * half-way stages only the files it had not staged (`stagedPaths` lets a resync keep the others).
 */
export class BatchCommit {
  private current: BatchStep = 'ROUTED';
  private attempting: BatchStep | undefined;
  private readonly staged = new Map<RoutedFile, StagedFile>();
  private mergedFiles = 0;
  private stagedFrom = 0;
  private committedFrom = 0;

  constructor(
    readonly batch: RoutedBatch,
    readonly consumed: Positions,
    private readonly steps: BatchSteps,
  ) {}

  /** The last step completed. */
  get step(): BatchStep {
    return this.current;
  }

  /** The step the last `run` failed at, if it failed (cleared when `run` completes it). */
  get failedAt(): BatchStep | undefined {
    return this.attempting;
  }

  /**
   * The batch's files staged so far, kept across a failed attempt (none after LAKE_STAGED_LOST). The
   * lake writer records them for its resyncs itself, inside the lock that staged them.
   */
  get stagedPaths(): ReadonlySet<string> {
    return new Set([...this.staged.values()].map((f) => f.staged));
  }

  /**
   * Takes the batch through its steps up to `until` (all of them by default): a writer stages a
   * batch while the one before commits, then runs the rest once that one has landed.
   */
  async run(until: BatchStep = 'ANNOUNCED'): Promise<void> {
    const last = BATCH_STEPS.indexOf(until);
    for (let step = nextStep(this.current); step !== undefined; step = nextStep(this.current)) {
      if (BATCH_STEPS.indexOf(step) > last) break;
      this.attempting = step;
      await this.perform(step);
      this.current = step;
    }
    this.attempting = undefined;
  }

  private async perform(step: BatchStep): Promise<void> {
    switch (step) {
      case 'STAGED':
        this.stagedFrom = Date.now();
        for (const file of this.batch.files) {
          if (!this.staged.has(file)) this.staged.set(file, await this.steps.stage(file));
        }
        return;
      case 'COMMITTED':
        this.committedFrom = Date.now();
        try {
          this.mergedFiles = (await this.steps.commit([...this.staged.values()], this.consumed)).mergedFiles;
        } catch (error) {
          // A staged file the store can no longer commit (an upload it lost): nothing of the batch is
          // visible, so it goes back to ROUTED and the retry encodes and stages every file again.
          if (isGamepipeError(error) && error.code === 'LAKE_STAGED_LOST') {
            this.staged.clear();
            this.current = 'ROUTED';
          }
          throw error;
        }
        return;
      case 'LOG_ACKED':
        return this.steps.ackLog(this.consumed);
      case 'ANNOUNCED':
        return this.steps.announce(this.landed());
      case 'ROUTED':
        return;
    }
  }

  private landed(): LandedBatch {
    let rowsWritten = 0;
    let deadLetters = 0;
    for (const file of this.batch.files) {
      if (holdsTableRows(file)) rowsWritten += file.rows;
      else deadLetters += file.rows;
    }
    return {
      batch: this.batch,
      consumed: this.consumed,
      files: this.batch.files.map((f) => this.staged.get(f)!.target),
      rowsWritten,
      deadLetters,
      mergedFiles: this.mergedFiles,
      stagedFrom: this.stagedFrom,
      committedFrom: this.committedFrom,
    };
  }
}
