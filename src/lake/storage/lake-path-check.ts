import { GamepipeError } from '../../errors.js';

/**
 * A lake path as every adapter takes it: relative to the lake root, '/'-separated, no empty, `.` or
 * `..` segment, so that no path can name a file outside the lake.
 */
export function checkLakePath(path: string): string {
  const segments = path.split('/');
  if (
    path.startsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))
  ) {
    throw new GamepipeError('LAKE_ERROR', `"${path.slice(0, 200)}" is not a path inside the lake`);
  }
  return path;
}
