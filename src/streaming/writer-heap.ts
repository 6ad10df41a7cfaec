import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what its last full collection kept, in percent. A writer
 * keeps about 20 MB alive while the records it parses become garbage at once; by default V8 lets
 * such a heap grow to four or five times that before a full collection, and further as a backlog
 * goes on, so a writer's memory grew with the backlog (npm run bench -- stream stream-5m).
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * Has V8 collect the writer's garbage once the heap has grown by half, not several times over.
 * The flag is read at each full collection, so setting it once a writer opens takes effect for
 * the rest of the process (under `up`, the server's heap too); a full collection of a small live
 * heap takes a few milliseconds.
 */
export function keepWriterHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
