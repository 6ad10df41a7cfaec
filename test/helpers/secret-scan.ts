import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface SecretFinding {
  secret: string;
  /** A file path, or `kafka:<topic>` for a record. */
  where: string;
}

/** Every regular file under `dir` (following no links). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

const findIn = (text: string, secrets: string[], where: string): SecretFinding[] =>
  secrets.filter((s) => text.includes(s)).map((secret) => ({ secret, where }));

/** Every row of a Parquet file as text: pages are compressed, so the raw bytes would hide a secret. */
async function parquetText(path: string): Promise<string> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(`select * from read_parquet('${path.replaceAll("'", "''")}')`);
    return JSON.stringify(await result.getRowsJson());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Looks for each secret in every file under `dirs` (raw bytes as text, and for Parquet files the
 * decoded rows too) and in the given texts (a process's output). Returns where each was found.
 */
export async function scanForSecrets(
  secrets: string[],
  sources: { dirs?: string[]; texts?: Record<string, string> },
): Promise<{ findings: SecretFinding[]; filesScanned: number; parquetFiles: number }> {
  const findings: SecretFinding[] = [];
  let filesScanned = 0;
  let parquetFiles = 0;
  for (const dir of sources.dirs ?? []) {
    for (const file of filesUnder(dir)) {
      if (statSync(file).size === 0) continue;
      filesScanned++;
      const raw = readFileSync(file);
      findings.push(...findIn(raw.toString('latin1'), secrets, file));
      if (raw.subarray(0, 4).toString() === 'PAR1') {
        parquetFiles++;
        findings.push(...findIn(await parquetText(file), secrets, `${file} (rows)`));
      }
    }
  }
  for (const [name, text] of Object.entries(sources.texts ?? {})) findings.push(...findIn(text, secrets, name));
  return { findings, filesScanned, parquetFiles };
}

/**
 * Every record of a topic (keys, values, headers) as text, read from the beginning with kcat (a
 * client gamepipe did not write), until the end of every partition.
 */
export async function kafkaTopicText(
  brokers: string[],
  topic: string,
  expectedRecords: number,
  timeoutMs = 30_000,
): Promise<{ text: string; records: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = spawnSync(
      'kcat',
      ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\n%s\n%h\n--record--\n'],
      { encoding: 'latin1', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error) throw run.error;
    const records = run.stdout.split('--record--\n').length - 1;
    if (records >= expectedRecords || Date.now() >= deadline) return { text: run.stdout, records };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
