import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Most statements kept across runs, as Trino's CLI keeps its ~/.trino_history. */
export const HISTORY_SIZE = 500;

/** One statement per line, its lines joined by spaces and its `;` kept, so Up then Enter runs it again. */
export const historyEntry = (statement: string): string => `${statement.replace(/\s*\n\s*/g, ' ').trim()};`;

/** The history file's statements, newest first (readline's order); [] when there is none yet. */
export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  // Keep the file from growing without end: rewrite it when it holds twice what is kept.
  if (lines.length > 2 * HISTORY_SIZE)
    writeFileSync(file, `${lines.slice(-HISTORY_SIZE).join('\n')}\n`, { mode: 0o600 });
  return lines.slice(-HISTORY_SIZE).reverse();
}

/** Appends one statement; the file is private (statements may name players). */
export function appendHistory(file: string, statement: string): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${historyEntry(statement)}\n`, { mode: 0o600 });
}
