import { open, type FileHandle } from 'node:fs/promises';

interface Pending<T> {
  items: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitHooks<T> {
  /** Turns one flush's items into bytes; called at flush time, one flush at a time, in append order. */
  encode(items: T[]): Buffer[];
  /** Called when a flush failed and was rolled back, before its appends are rejected. */
  rolledBack?(): void;
}

/**
 * An append-only file where every `append` resolves only once its bytes are on disk. Appends that
 * arrive while a flush runs are written and synced together by the next flush (group commit), so
 * many concurrent requests share one fdatasync. After a failed flush the file is truncated back to
 * its last durable size and that flush's appends are rejected: a rejected append left nothing.
 */
export class GroupCommitFile<T> {
  private queue: Pending<T>[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    private durableSize: number,
    private readonly hooks: GroupCommitHooks<T>,
  ) {}

  static async open<T>(path: string, hooks: GroupCommitHooks<T>): Promise<GroupCommitFile<T>> {
    const handle = await open(path, 'a');
    const { size } = await handle.stat();
    return new GroupCommitFile(handle, size, hooks);
  }

  /** Bytes made durable so far. */
  get size(): number {
    return this.durableSize;
  }

  append(items: T[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('file is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const buffers = this.hooks.encode(batch.flatMap((p) => p.items));
        const bytes = buffers.reduce((sum, b) => sum + b.length, 0);
        let written = (await this.handle.writev(buffers)).bytesWritten;
        while (written < bytes) {
          written += (await this.handle.write(Buffer.concat(buffers).subarray(written))).bytesWritten;
        }
        await this.handle.datasync();
        this.durableSize += bytes;
        for (const p of batch) p.resolve();
      } catch (error) {
        await this.handle.truncate(this.durableSize).catch(() => undefined);
        this.hooks.rolledBack?.();
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = null;
  }

  /** Waits for queued appends, then closes. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }
}
