/** Event times (UTC ms) of a batch's rows, as much as its freshness needs: the oldest, the 5th and the 50th percentile. */
export interface EventTimeStats {
  oldest: number;
  p05: number;
  p50: number;
}

/** The stats of the event times of the rows a batch wrote; none for no rows. */
export function eventTimeStats(eventTimes: number[]): EventTimeStats | undefined {
  if (eventTimes.length === 0) return undefined;
  const sorted = Float64Array.from(eventTimes).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { oldest: sorted[0]!, p05: at(0.05), p50: at(0.5) };
}

/** How long rows took from their event time to `visibleAt`: p50, p95 and the worst; none for no rows. */
export function freshness(
  times: EventTimeStats | undefined,
  visibleAt: number,
): { p50: number; p95: number; max: number } | undefined {
  if (times === undefined) return undefined;
  return { p50: visibleAt - times.p50, p95: visibleAt - times.p05, max: visibleAt - times.oldest };
}
