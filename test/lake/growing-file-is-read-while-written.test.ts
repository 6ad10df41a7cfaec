import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { FileRewrittenError, GrowingFile } from '../../src/lake/storage/local/growing-file.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { tempDir } from '../helpers/temp-dir.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An encoder that appends `chunks` one by one with a pause between them (and, when asked, then overwrites byte `rewriteAt`). */
const appending =
  (chunks: string[], rewriteAt?: number) =>
  async (path: string): Promise<void> => {
    const file = await open(path, 'w');
    try {
      for (const chunk of chunks) {
        await file.write(chunk);
        await pause(40);
      }
      if (rewriteAt !== undefined) await file.write('!', rewriteAt);
    } finally {
      await file.close();
    }
  };

describe('a growing file read while its encoder writes it', () => {
  const scratch = new ScratchDir(tempDir(), 'growing');

  it('hands out each range once the file has grown past it, and the short end once writing has ended', async () => {
    const growing = await GrowingFile.open(scratch.writing(appending(['aaaa', 'bbbb', 'cc'])));
    try {
      const ranges = await Promise.all([
        growing.read(0, 4),
        growing.read(4, 4),
        growing.read(8, 4),
        growing.read(12, 4),
      ]);
      assert.deepEqual(
        ranges.map((r) => r.toString()),
        ['aaaa', 'bbbb', 'cc', ''],
      );
      await growing.checkUnchanged();
    } finally {
      await growing.close();
    }
  });

  it('finds a byte rewritten after it was handed out', async () => {
    const growing = await GrowingFile.open(scratch.writing(appending(['aaaa', 'bbbb'], 1)));
    try {
      assert.equal((await growing.read(0, 4)).toString(), 'aaaa');
      assert.equal((await growing.read(4, 4)).toString(), 'bbbb');
      await assert.rejects(growing.checkUnchanged(), FileRewrittenError);
    } finally {
      await growing.close();
    }
  });

  it("fails with the encoder's own error when writing fails, and when the encoder made no file", async () => {
    const failing = scratch.writing(async (path) => {
      await appending(['aaaa'])(path);
      throw new Error('encoder broke');
    });
    const growing = await GrowingFile.open(failing);
    try {
      await assert.rejects(growing.read(0, 8), /encoder broke/);
    } finally {
      await growing.close();
    }
    await assert.rejects(GrowingFile.open(scratch.writing(async () => undefined)), { code: 'ENOENT' });
  });
});
