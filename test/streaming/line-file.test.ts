import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineFile } from '../../src/streaming/line-file.js';
import { tempDir } from '../helpers/temp-dir.js';
import { smallDisk } from '../helpers/tmpfs-mount.js';

test('a line file holds exactly the UTF-8 bytes of the lines appended, across its buffer and past it', async () => {
  const dir = tempDir();
  let n = 0;
  // Short lines, lines of many-byte characters, and lines longer than the buffer, in any mix.
  const piece = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 60_000 }))
      .map(([s, times]) => s.repeat(times)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 80 }), async (lines) => {
      const path = join(dir, `lines-${n++}.txt`);
      const file = new LineFile(path);
      for (const line of lines) file.append(line);
      file.close();
      assert.deepEqual(readFileSync(path), Buffer.concat(lines.map((line) => Buffer.from(line))));
    }),
    { numRuns: 60 },
  );
});

test('a line file on a full disk throws instead of closing short', (t) => {
  const disk = smallDisk(t, '1m');
  if (!disk) return;
  const file = new LineFile(join(disk.dir, 'rows.txt'));
  const line = `${'x'.repeat(999)}\n`;
  assert.throws(() => {
    try {
      for (let i = 0; i < 2000; i++) file.append(line);
    } finally {
      file.close();
    }
  }, /ENOSPC/);
});
