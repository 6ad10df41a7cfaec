import { Text } from 'ink';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as bars from zero (not from the minimum: a steady rate draws a flat line
 * at its height, and a stop draws the floor). Left-padded with spaces until there are enough values.
 */
export function sparkline(values: number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  const bars = shown.map((v) =>
    max <= 0 || v <= 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))],
  );
  return ' '.repeat(width - shown.length) + bars.join('');
}

export function Sparkline({ values, width }: { values: number[]; width: number }) {
  return <Text>{sparkline(values, width)}</Text>;
}
