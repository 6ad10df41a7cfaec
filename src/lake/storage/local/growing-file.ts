import { type FileHandle, open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { WrittenFile } from './scratch-dir.js';

/** How often a read waiting for bytes not written yet looks at the file's size again. */
const POLL_MS = 25;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Bytes already read from a GrowingFile were written again: what was read must be read again from the whole file. */
export class FileRewrittenError extends Error {}

/**
 * A local file read while an encoder still appends to it (a Parquet writer writes its row groups
 * in order, then its footer, and never goes back): a range is read once the file has grown past
 * it, or once writing has ended. Each range read is remembered by its CRC-32, and `checkUnchanged`
 * reads the whole file again to prove that no byte handed out was rewritten afterwards.
 */
export class GrowingFile {
  private ended = false;
  private failure: unknown;
  private readonly handedOut: { offset: number; length: number; crc: number }[] = [];

  private constructor(
    private readonly file: WrittenFile,
    private readonly handle: FileHandle,
  ) {
    file.written.then(
      () => (this.ended = true),
      (error: unknown) => {
        this.failure = error;
        this.ended = true;
      },
    );
  }

  /** Opens `file` (written by ScratchDir.writing: its path exists once the encoder has created it). */
  static async open(file: WrittenFile): Promise<GrowingFile> {
    let ended = false;
    file.written.then(
      () => (ended = true),
      () => (ended = true),
    );
    for (;;) {
      const endedBefore = ended;
      try {
        return new GrowingFile(file, await open(file.path, 'r'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || endedBefore) {
          await file.written; // the encoder's failure, if it failed
          throw error; // it ended without making the file
        }
        await Promise.race([file.written, sleep(POLL_MS)]); // not created yet
      }
    }
  }

  /**
   * Bytes [offset, offset + length): waits until the file holds them, or until writing ends (then
   * fewer, or none, at its end). Rejects with the encoder's error when writing fails.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    for (;;) {
      const ended = this.ended; // read before the size: bytes written before the end are all there
      if (this.failure !== undefined) throw this.failure;
      const { size } = await this.handle.stat();
      if (size >= offset + length || ended) {
        const body = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await this.handle.read(body, 0, body.length, offset);
        if (bytesRead !== body.length) throw this.changed();
        this.handedOut.push({ offset, length: body.length, crc: crc32(body) });
        return body;
      }
      await Promise.race([this.file.written.catch(() => undefined), sleep(POLL_MS)]);
    }
  }

  /** After writing ended: every range handed out still holds the same bytes, and together they are the whole file. */
  async checkUnchanged(): Promise<void> {
    await this.file.written;
    const { size } = await this.handle.stat();
    let covered = 0;
    for (const range of this.handedOut) {
      const body = Buffer.allocUnsafe(range.length);
      const { bytesRead } = await this.handle.read(body, 0, range.length, range.offset);
      if (bytesRead !== range.length || crc32(body) !== range.crc) throw this.changed();
      if (range.length > 0) covered = Math.max(covered, range.offset + range.length); // an empty read past the end covers nothing
    }
    if (covered !== size) throw this.changed();
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private changed(): FileRewrittenError {
    return new FileRewrittenError(`${this.file.path} changed after part of it was read`);
  }
}
