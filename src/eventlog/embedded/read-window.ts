/**
 * The bytes read from a segment and not yet decoded, in one buffer reused from read to read: a
 * reader allocates nothing per chunk, so its memory stays one chunk (or the largest frame) wide.
 */
export class ReadWindow {
  private buffer: Buffer;
  private start = 0;
  private end = 0;

  constructor(private readonly chunkBytes: number) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** The bytes not yet consumed (a view: valid until the next `reserve`). */
  get pending(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }

  consume(bytes: number): void {
    this.start += bytes;
    if (this.start === this.end) this.clear();
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    if (this.buffer.length > this.chunkBytes) this.buffer = Buffer.allocUnsafe(this.chunkBytes);
  }

  /**
   * Room after the pending bytes (moved to the front) for at least half a chunk: where the next read
   * goes. The buffer grows only when a frame larger than that is pending, and shrinks back once it is consumed.
   */
  reserve(): { buffer: Buffer; offset: number; length: number } {
    const pending = this.end - this.start;
    if (this.buffer.length - pending < this.chunkBytes / 2) {
      const grown = Buffer.allocUnsafe(pending + this.chunkBytes);
      this.buffer.copy(grown, 0, this.start, this.end);
      this.buffer = grown;
    } else if (this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
    }
    this.start = 0;
    this.end = pending;
    return { buffer: this.buffer, offset: this.end, length: this.buffer.length - this.end };
  }

  /** Marks `bytes` more as read into the room `reserve` gave. */
  filled(bytes: number): void {
    this.end += bytes;
  }
}
