import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';

export interface SmallDisk {
  /** The mount point: `<parent>/<name>`. */
  dir: string;
  /** A fresh directory holding the mount point, removed with it. */
  parent: string;
  /** Bytes free now. */
  free(): number;
  /** Takes all but `leaveBytes` of the free space with a filler file. */
  fill(leaveBytes?: number): void;
  /** Removes the filler: space returns. */
  release(): void;
}

/**
 * A tmpfs of `size` (e.g. "96m", and at most `inodes` files when given) mounted at `<fresh dir>/<name>` (`name` may hold slashes), to fill up on purpose. It is
 * unmounted and removed when the test file ends, failed or not. Needs root (the tests run as root
 * in CI: there a mount that fails fails the test; elsewhere the test is skipped).
 */
export function smallDisk(
  t: TestContext,
  size: string,
  name = 'disk',
  options: { inodes?: number } = {},
): SmallDisk | null {
  const parent = mkdtempSync(join(tmpdir(), 'gamepipe-small-disk-'));
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  const mount = spawnSync(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${size}${options.inodes ? `,nr_inodes=${options.inodes}` : ''}`, 'tmpfs', dir],
    { encoding: 'utf8' },
  );
  if (mount.status !== 0) {
    rmSync(parent, { recursive: true, force: true });
    const message = `cannot mount a tmpfs (root needed): ${mount.stderr.trim()}`;
    if (process.env.CI) throw new Error(message);
    t.skip(message);
    return null;
  }
  after(() => {
    spawnSync('umount', ['-l', dir]);
    rmSync(parent, { recursive: true, force: true });
  });
  const filler = join(dir, 'filler');
  const free = () => {
    const { bavail, bsize } = statfsSync(dir);
    return bavail * bsize;
  };
  return {
    dir,
    parent,
    free,
    fill: (leaveBytes = 0) => {
      const take = free() - leaveBytes;
      const result = spawnSync('fallocate', ['-l', String(take), filler], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`fallocate ${take} bytes: ${result.stderr}`);
    },
    release: () => rmSync(filler, { force: true }),
  };
}
