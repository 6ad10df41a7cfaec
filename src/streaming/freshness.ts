/** How long rows took from their event time to `visibleAt`: p50, p95 and the worst; none for no rows. */
export function freshness(eventTimes: number[], visibleAt: number): { p50: number; p95: number; max: number } | undefined {
  if (eventTimes.length === 0) return undefined;
  const ages = eventTimes.map((t) => visibleAt - t).sort((a, b) => a - b);
  const at = (q: number) => ages[Math.min(ages.length - 1, Math.floor(q * ages.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: ages.at(-1)! };
}
