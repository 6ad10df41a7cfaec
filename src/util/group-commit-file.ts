import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writevSync } from 'node:fs';

interface Pending<T> {
  items: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T> {
  /** Turns one flush's items into bytes; called at flush time, one flush at a time, in append order. */
  encode(items: T[]): Buffer[];
  /** Called when a flush failed and was rolled back, before its appends are rejected. */
  rolledBack?(): void;
  /** Called when a flush is durable, before its appends resolve. */
  durable?(): void;
  /**
   * 0 (the default): every flush is fdatasynced before its appends resolve. More: appends resolve
   * once written (they survive the process being killed) and the file is fdatasynced at most this
   * many ms later, like Redis's `appendfsync everysec`: a power cut may lose that window.
   */
  syncEveryMs?: number;
}

/**
 * An append-only file where every `append` resolves only once its bytes are on disk (or, with
 * `syncEveryMs`, written and soon synced). Appends are written and synced in batches (group
 * commit), so many concurrent requests share one fdatasync: the write runs on the main thread (one
 * writev of a few kilobytes), the fdatasync on libuv's thread pool, one at a time, while the next
 * batch gathers. After a failed flush the file is cut back to its last durable size and that
 * flush's appends are rejected: a rejected append left nothing.
 */
export class GroupCommitFile<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;
  private syncing = false;
  private closed = false;
  private fdClosed = false;
  private syncTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly fd: number,
    private durableSize: number,
    private readonly options: GroupCommitOptions<T>,
  ) {}

  static async open<T>(path: string, options: GroupCommitOptions<T>): Promise<GroupCommitFile<T>> {
    const fd = openSync(path, 'a');
    return new GroupCommitFile(fd, fstatSync(fd).size, options);
  }

  /** Bytes made durable so far. */
  get size(): number {
    return this.durableSize;
  }

  append(items: T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('file is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.scheduled || this.syncing || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes the queued appends now; with per-flush syncing, resolves them when their fdatasync ends. */
  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let bytes = 0;
    try {
      const buffers = this.options.encode(batch.flatMap((p) => p.items));
      bytes = buffers.reduce((sum, b) => sum + b.length, 0);
      let written = writevSync(this.fd, buffers);
      while (written < bytes) written += writevSync(this.fd, [Buffer.concat(buffers).subarray(written)]);
    } catch (error) {
      this.rollBack(batch, error);
      return;
    }
    if (this.options.syncEveryMs) {
      this.durableSize += bytes;
      this.syncSoon();
      for (const p of batch) p.resolve();
      return;
    }
    this.syncing = true;
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      if (error) this.rollBack(batch, error);
      else {
        this.durableSize += bytes;
        this.options.durable?.();
        for (const p of batch) p.resolve();
      }
      this.scheduleFlush();
    });
  }

  private rollBack(batch: Pending<T>[], error: unknown): void {
    try {
      ftruncateSync(this.fd, this.durableSize);
    } catch {
      // the rejection below reports the original failure
    }
    this.options.rolledBack?.();
    for (const p of batch) p.reject(error);
  }

  /** Flushes and syncs what is queued, then closes; closing a closed file does nothing. */
  async close(): Promise<void> {
    if (this.fdClosed) return;
    this.closed = true;
    while (this.syncing || this.scheduled) await new Promise((r) => setImmediate(r));
    this.flush();
    while (this.syncing) await new Promise((r) => setImmediate(r));
    if (this.syncTimer) clearTimeout(this.syncTimer);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fdClosed = true;
  }

  private syncSoon(): void {
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = null;
      try {
        fdatasyncSync(this.fd);
      } catch {
        // the next write to this file fails the same way and reports it to its caller
      }
    }, this.options.syncEveryMs).unref();
  }
}
