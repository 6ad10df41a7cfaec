import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileMove {
  /** Absolute path of the complete temporary file. */
  tmp: string;
  /** Destination relative to the lake root. */
  final: string;
}

const fsyncPath = (path: string): void => {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Makes a batch of Parquet files visible all together or not at all, as a visible state machine:
 *   1. WRITTEN   every file is complete under _tmp/ and fsynced;
 *   2. INTENDED  _wal/<writer>.json lists the moves (written to a temp name, then renamed);
 *   3. COMMITTED each file renamed into its table directory;
 *   4. DONE      the intent removed; the writer may advance its position.
 * A writer killed anywhere is resumed by `recover`: an intent found is rolled forward (renames are
 * idempotent), temp files without an intent are deleted. Queries never list _tmp/ or _wal/.
 */
export class LakeCommitter {
  private readonly tmpDir: string;
  private readonly walDir: string;

  constructor(
    private readonly root: string,
    private readonly writer: string,
  ) {
    this.tmpDir = join(root, '_tmp');
    this.walDir = join(root, '_wal');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.walDir, { recursive: true });
  }

  tempPath(): string {
    return join(this.tmpDir, `${this.writer}-${randomUUID()}.parquet`);
  }

  async commit(moves: FileMove[]): Promise<void> {
    if (moves.length === 0) return;
    for (const move of moves) fsyncPath(move.tmp);
    const intent = join(this.walDir, `${this.writer}.json`);
    writeFileSync(`${intent}.tmp`, JSON.stringify(moves));
    fsyncPath(`${intent}.tmp`);
    renameSync(`${intent}.tmp`, intent);
    fsyncPath(this.walDir);
    this.applyMoves(moves);
    rmSync(intent, { force: true });
  }

  /** Rolls forward every intent left by a killed writer, then drops this writer's orphaned temp files. */
  recover(): void {
    for (const name of readdirSync(this.walDir).filter((n) => n.endsWith('.json'))) {
      const intent = join(this.walDir, name);
      this.applyMoves(JSON.parse(readFileSync(intent, 'utf8')) as FileMove[]);
      rmSync(intent, { force: true });
    }
    for (const name of readdirSync(this.tmpDir).filter((n) => n.startsWith(`${this.writer}-`))) rmSync(join(this.tmpDir, name), { force: true });
    for (const name of readdirSync(this.walDir).filter((n) => n.endsWith('.json.tmp'))) rmSync(join(this.walDir, name), { force: true });
  }

  private applyMoves(moves: FileMove[]): void {
    const dirs = new Set<string>();
    for (const move of moves) {
      const destination = join(this.root, move.final);
      mkdirSync(dirname(destination), { recursive: true });
      try {
        renameSync(move.tmp, destination);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // already moved before a crash
      }
      dirs.add(dirname(destination));
    }
    for (const dir of dirs) fsyncPath(dir);
  }
}
