import type { Positions } from './event-log.js';

/** Positions as a JSON-friendly object, partition number to offset. */
export const positionsRecord = (positions: Positions): Record<string, number> =>
  Object.fromEntries([...positions].map(([p, o]) => [String(p), o]));

/** Positions for a person: `0:85,1:91`, or `-` when there are none. */
export const formatPositions = (positions: Record<string, number>): string =>
  Object.entries(positions)
    .map(([p, o]) => `${p}:${o}`)
    .join(',') || '-';
