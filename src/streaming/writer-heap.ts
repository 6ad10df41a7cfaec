import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what its last full collection kept, in percent. A writer
 * keeps about 20 MB alive while the records it parses become garbage at once; by default V8 lets
 * such a heap grow to four or five times that before a full collection, and further as a backlog
 * goes on, so a writer's memory grew with the backlog (npm run bench -- stream stream-5m).
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * The young generation's size at which it stops growing (two semi-spaces of 16 MB, Node 18's
 * ceiling). Node 24 lets it grow to 128 MB under a writer's allocation rate, all of it resident:
 * 128 of a 1,000,000-event backlog's 310 MB peak RSS, for records that die within a poll. Capped,
 * the peak was 200 to 225 MB and the rate no lower (npm run bench -- stream stream-s3).
 */
const YOUNG_GENERATION_BYTES = 32 * 2 ** 20;

const youngGenerationBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Stops the young generation growing once it reaches YOUNG_GENERATION_BYTES. Its ceiling
 * (--max-semi-space-size) is read only when the process starts, which a writer inside `gamepipe`
 * does not choose; the growth factor is read at each collection, so it is set to 1 (no growth)
 * after the first collection that finds the young generation at the cap.
 */
function capYoungGeneration(): void {
  const stopGrowing = () => setFlagsFromString('--semi-space-growth-factor=1');
  if (youngGenerationBytes() >= YOUNG_GENERATION_BYTES) return stopGrowing();
  const observer = new PerformanceObserver(() => {
    if (youngGenerationBytes() < YOUNG_GENERATION_BYTES) return;
    stopGrowing();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

let kept = false;

/**
 * Has V8 collect the writer's garbage once the heap has grown by half, not several times over,
 * and keeps its young generation at 32 MB. The flags are read at each collection, so setting them
 * once a writer opens takes effect for the rest of the process (under `up`, the server's heap
 * too); a full collection of a small live heap takes a few milliseconds.
 */
export function keepWriterHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (kept) return;
  kept = true;
  capYoungGeneration();
}
