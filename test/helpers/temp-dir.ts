import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh directory removed when the test file ends. */
export function tempDir(label = 'gamepipe-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), label));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
