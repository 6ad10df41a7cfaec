/** Figures as the report prints them: en-US digits, so output is the same on every machine. */
export const count = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

export const money = (n: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const percent = (ratio: number | null): string => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`);

/** A ratio, or null when there is nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** "45 s", "12 min", "3.5 h", "2.1 days". */
export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
