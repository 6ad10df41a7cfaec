/**
 * Test-only: `node --import <this file>` with GAMEPIPE_RECORD_IMPORTS=<file> appends to that file every
 * URL the ESM loader resolves, and at exit every CommonJS module that was loaded (what ESM packages
 * `require` inside never reaches the ESM hooks). Without the variable it does nothing.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

interface ResolveResult {
  url: string;
}
type NextResolve = (specifier: string, context: unknown) => Promise<ResolveResult>;

const recordFile = process.env.GAMEPIPE_RECORD_IMPORTS;

/** The loader hook (runs on the loader thread). */
export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<ResolveResult> {
  const result = await nextResolve(specifier, context);
  if (recordFile) appendFileSync(recordFile, `${result.url}\n`);
  return result;
}

if (recordFile && isMainThread) {
  register(import.meta.url);
  const cjsCache = createRequire(import.meta.url).cache;
  process.on('exit', () =>
    appendFileSync(
      recordFile,
      Object.keys(cjsCache)
        .map((path) => `${path}\n`)
        .join(''),
    ),
  );
}
