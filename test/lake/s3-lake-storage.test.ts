import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isGamepipeError } from '../../src/errors.js';
import { isS3PreconditionFailed } from '../../src/lake/storage/s3/s3-errors.js';
import { S3LakeStorage } from '../../src/lake/storage/s3/s3-lake-storage.js';
import { uploadInParts, withLocalFileSource } from '../../src/lake/storage/s3/s3-multipart-upload.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runLakeStorageContract } from './lake-storage-contract.js';
import { S3FaultProxy } from './s3-fault-proxy.js';
import { freshS3Lake, requireS3, runPrefix, S3_BUCKET, S3_ENDPOINT } from './s3-test-server.js';

const MiB = 1024 * 1024;
const bytes = (text: string) => Buffer.from(text);
const rawClient = () => new S3Client({ endpoint: S3_ENDPOINT, forcePathStyle: true, region: 'us-east-1' });

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => isGamepipeError(error) && error.code === code && (!message || message.test(error.message)),
    `expected ${code}${message ? ` matching ${message}` : ''}`,
  );
}

after(async () => {
  if (!(await requireS3({ skip: () => undefined }))) return;
  const all = new S3LakeStorage({ location: { bucket: S3_BUCKET, prefix: 'gamepipe-tests' }, endpoint: S3_ENDPOINT });
  await all.delete(runPrefix, { recursive: true });
  await all.close();
});

runLakeStorageContract(
  'S3 (S3Mock)',
  async () => freshS3Lake(),
  () => requireS3({ skip: () => undefined }),
);

describe('S3 lake storage on a real S3-compatible server', () => {
  it('says that its rename is not atomic, and still never lets rename overwrite', async (t) => {
    if (!(await requireS3(t))) return;
    const lake = freshS3Lake();
    t.after(() => lake.close());
    assert.equal(lake.atomicRename, false);
    await lake.create('_tmp/a.parquet', bytes('a'));
    await lake.rename('_tmp/a.parquet', 'events_buy/dt=2026-12-07/a.parquet');
    assert.deepEqual(
      (await lake.list('events_buy/dt=2026-12-07')).map((e) => e.name),
      ['a.parquet'],
    );
    assert.deepEqual(await lake.list('_tmp'), [], 'the source is gone once rename resolves');
  });

  it('rename is fenced by the conditional PUT: a destination that appears after its checks is not overwritten', async (t) => {
    if (!(await requireS3(t))) return;
    const client = rawClient();
    let lake: S3LakeStorage | undefined;
    let raced = false;
    // When rename fetches the source's bytes, another writer puts the destination first.
    const proxy = new S3FaultProxy(
      S3_ENDPOINT,
      () => ({ kind: 'forward' }),
      async (req) => {
        if (req.method !== 'GET' || !req.url?.includes('/_tmp/a.parquet') || raced) return;
        raced = true;
        const key = `${lake!.uri.slice(`s3://${S3_BUCKET}/`.length)}/events_buy/dt=2026-12-07/a.parquet`;
        await client.send(new PutObjectCommand({ Bucket: S3_BUCKET, Key: key, Body: 'the other writer' }));
      },
    );
    lake = freshS3Lake({ endpoint: await proxy.start() });
    t.after(async () => {
      await lake.close();
      await proxy.stop();
      client.destroy();
    });
    await lake.create('_tmp/a.parquet', bytes('mine'));
    await rejectsWith(lake.rename('_tmp/a.parquet', 'events_buy/dt=2026-12-07/a.parquet'), 'LAKE_EXISTS');
    assert.ok(raced);
    assert.equal((await lake.read('events_buy/dt=2026-12-07/a.parquet'))!.toString(), 'the other writer');
    assert.equal((await lake.read('_tmp/a.parquet'))!.toString(), 'mine', 'the source stays');
  });

  it('uploads a file larger than a part as a streamed multipart upload, and leaves no upload open', async (t) => {
    if (!(await requireS3(t))) return;
    const lake = freshS3Lake({ partSizeBytes: 5 * MiB });
    t.after(() => lake.close());
    const local = join(tempDir(), 'big.parquet');
    const payload = Buffer.alloc(11 * MiB + 5);
    for (let i = 0; i < payload.length; i += 4096) payload[i] = i % 251;
    writeFileSync(local, payload);
    await lake.upload(local, 'events_buy/dt=2026-12-07/big.parquet');
    assert.ok((await lake.read('events_buy/dt=2026-12-07/big.parquet'))!.equals(payload));
    assert.equal((await lake.stat('events_buy/dt=2026-12-07/big.parquet'))!.size, payload.length);
    await rejectsWith(lake.upload(local, 'events_buy/dt=2026-12-07/big.parquet'), 'LAKE_EXISTS');
    const client = rawClient();
    t.after(() => client.destroy());
    const open = await client.send(
      new ListMultipartUploadsCommand({ Bucket: S3_BUCKET, Prefix: `gamepipe-tests/${runPrefix}/` }),
    );
    assert.deepEqual(open.Uploads ?? [], []);
  });

  it('a multipart completion onto a key that appeared meanwhile is refused (If-None-Match on completion), the object there untouched', async (t) => {
    if (!(await requireS3(t))) return;
    const lake = freshS3Lake();
    t.after(() => lake.close());
    await lake.create('late/part.parquet', bytes('the first writer'));
    const local = join(tempDir(), 'part.parquet');
    writeFileSync(local, Buffer.alloc(6 * MiB, 1));
    const client = rawClient();
    t.after(() => client.destroy());
    const key = `${lake.uri.slice(`s3://${S3_BUCKET}/`.length)}/late/part.parquet`;
    // Straight to the upload: the adapter's early HEAD would see the key; a key appearing after it is what completion must catch.
    await assert.rejects(
      withLocalFileSource(local, 6 * MiB, (source) =>
        uploadInParts({
          client,
          send: (_what, call) => call(false),
          bucket: S3_BUCKET,
          key,
          source,
          partSize: 5 * MiB,
          partsInFlight: 2,
          landedAlready: async () => false,
        }),
      ),
      // S3 answers 412; S3Mock 4.8.0 answers 304 (and keeps the object, as S3 does).
      (error: unknown) => isS3PreconditionFailed(error),
    );
    assert.equal((await lake.read('late/part.parquet'))!.toString(), 'the first writer');
  });

  it('lists every entry when a listing takes several pages', async (t) => {
    if (!(await requireS3(t))) return;
    const lake = freshS3Lake({ listPageSize: 2 });
    t.after(() => lake.close());
    for (const name of ['a', 'b', 'c', 'd', 'e']) await lake.create(`p/${name}.txt`, bytes(name));
    for (const dir of ['x', 'y', 'z']) await lake.create(`p/${dir}/inner.txt`, bytes(dir));
    const entries = (await lake.list('p')).map((e) => `${e.name}${e.isDirectory ? '/' : ''}`).sort();
    assert.deepEqual(entries, ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'x/', 'y/', 'z/']);
    assert.equal(await lake.delete('p', { recursive: true }), true);
    assert.deepEqual(await lake.list('p'), []);
  });

  it('probes once that the store refuses an overwrite, and leaves no probe object', async (t) => {
    if (!(await requireS3(t))) return;
    const proxy = new S3FaultProxy(S3_ENDPOINT, () => ({ kind: 'forward' }));
    const lake = freshS3Lake({ endpoint: await proxy.start() });
    t.after(async () => {
      await lake.close();
      await proxy.stop();
    });
    await lake.create('_locks/a.json', bytes('a'));
    await lake.create('_locks/b.json', bytes('b'));
    const probes = proxy.seen.filter((line) => line.includes('conditional-write-probe'));
    assert.equal(
      probes.filter((line) => line.startsWith('PUT')).length,
      3,
      'one probe, before the first write only: two PUTs with If-None-Match, one with a wrong If-Match',
    );
    assert.deepEqual(
      (await lake.list('_tmp')).map((e) => e.name),
      [],
    );
  });
});
