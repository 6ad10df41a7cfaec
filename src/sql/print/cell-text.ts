/** A value as a cell shows it: nothing for null, JSON for a list or a map, else its text. */
export const cellText = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
