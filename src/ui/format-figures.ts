/** How the terminal UIs (dashboard, query progress) write numbers: short, fixed units, thousands separated. */

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** A count: 1,234,567. */
export const formatCount = (n: number): string => grouped(n);

/** A rate: one decimal below 10 so a trickle does not read as 0. */
export const formatRate = (n: number): string => (n < 10 ? n.toFixed(1) : grouped(n));

/** A duration: `3.1 ms`, `84 ms`, `1.02 s`, `3.4 min`; an em dash for unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A size in binary units: `812 B`, `1.2 KiB`, `34.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** How long ago: `0.4 s ago`, `12 s ago`, `3 min ago`; `never` for unknown. */
export function formatAge(ms: number | null): string {
  if (ms === null) return 'never';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}
