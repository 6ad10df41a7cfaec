import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GamepipeError } from '../../../errors.js';
import type { LakeEntry } from '../lake-storage.js';
import { isS3NotFound, s3Error, s3Reason } from './s3-errors.js';
import type { withS3Retries } from './s3-retry.js';

type Send = <T>(what: string, attempt: Parameters<typeof withS3Retries<T>>[2]) => Promise<T>;

/** Every S3 listing names its bucket and says whether it is truncated; a page with neither came from something else. */
const isListing = (page: ListObjectsV2CommandOutput): boolean =>
  page.Name !== undefined || page.IsTruncated !== undefined || page.KeyCount !== undefined;

/** S3 deletes at most 1,000 keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/**
 * Directories over a flat key space: a directory is a key prefix ending in '/', listed with the
 * delimiter '/' (its subdirectories come back as common prefixes), page after page past the
 * 1,000 keys S3 answers at most per request. A directory has no modification time on S3: 0.
 */
export class S3Tree {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly pageSize: number,
    private readonly send: Send,
  ) {}

  /** The entries directly under the keys starting with `prefix`; `dir` is the lake path they are named under. */
  async list(prefix: string, dir: string, where: string): Promise<LakeEntry[]> {
    // By name: S3Mock repeats a common prefix on every page that has keys under it; S3 does not.
    const entries = new Map<string, LakeEntry>();
    const join = (name: string) => (dir === '' ? name : `${dir}/${name}`);
    for await (const page of this.pages(prefix, '/', where)) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix!.slice(prefix.length, -1);
        if (name !== '') entries.set(`${name}/`, { path: join(name), name, isDirectory: true, size: 0, modifiedMs: 0 });
      }
      for (const object of page.Contents ?? []) {
        const name = object.Key!.slice(prefix.length);
        if (name === '' || name.endsWith('/')) continue; // the directory's own marker
        entries.set(name, {
          path: join(name),
          name,
          isDirectory: false,
          size: object.Size ?? 0,
          modifiedMs: object.LastModified?.getTime() ?? 0,
        });
      }
    }
    return [...entries.values()];
  }

  /** True when any key starts with `prefix` (a directory exists there, possibly only as a marker). */
  async hasAnyUnder(prefix: string, where: string, requestTimeoutMs?: number): Promise<boolean> {
    try {
      const page = await this.send(`list ${where}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 }),
          requestTimeoutMs ? { requestTimeout: requestTimeoutMs } : {},
        ),
      );
      if (!isListing(page))
        throw await this.notS3(`HTTP ${page.$metadata.httpStatusCode} without a listing in it`, where);
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
    } catch (error) {
      // S3 answers a listing of a missing bucket with NoSuchBucket, never with a bare 404.
      if (isS3NotFound(error) && !(error instanceof GamepipeError)) throw await this.notS3(s3Reason(error), where);
      throw s3Error(error, 'list', where);
    }
  }

  /** The one line for an endpoint that is not an S3 store (a web server, WebHDFS, Trino): named, with what it said. */
  private async notS3(said: string, where: string): Promise<GamepipeError> {
    const endpoint = await this.client.config.endpoint?.().catch(() => undefined);
    const at = endpoint
      ? `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}`
      : 'S3';
    return new GamepipeError(
      'LAKE_ERROR',
      `could not list ${where}: ${at} does not speak S3 (a bucket listing got ${said})`,
      {
        hint: 'check --s3-endpoint (GAMEPIPE_S3_ENDPOINT, AWS_ENDPOINT_URL_S3): it names an S3-compatible store',
      },
    );
  }

  /**
   * Deletes every key under `prefix`, 1,000 per request; true when there was any. Without
   * `recursive` only an empty directory (its marker alone) may go.
   */
  async deleteUnder(prefix: string, recursive: boolean, where: string): Promise<boolean> {
    let any = false;
    for await (const page of this.pages(prefix, undefined, where)) {
      const keys = (page.Contents ?? []).map((object) => object.Key!);
      if (!recursive && keys.some((key) => key !== prefix)) {
        throw new GamepipeError('LAKE_ERROR', `cannot delete ${where}: the directory is not empty`);
      }
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
        const answer = await this.send(`delete under ${where}`, () =>
          this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })),
        ).catch((error: unknown) => {
          throw s3Error(error, 'delete', where);
        });
        const failed = answer.Errors?.[0];
        if (failed) {
          throw new GamepipeError(
            'LAKE_ERROR',
            `could not delete ${where}: ${failed.Key} (${failed.Code} ${failed.Message ?? ''})`,
          );
        }
        any = true;
      }
    }
    return any;
  }

  private async *pages(
    prefix: string,
    delimiter: string | undefined,
    where: string,
  ): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.send(`list ${where}`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: this.pageSize,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      ).catch((error: unknown) => {
        throw s3Error(error, 'list', where);
      });
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
