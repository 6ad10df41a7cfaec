import { GamepipeError } from '../../../errors.js';

/** A lake on S3: the bucket, and the key prefix of the lake root ('' for the bucket's root; never a leading or trailing '/'). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Bucket names as S3 allows them (3-63 of a-z, 0-9, '.', '-'), plus '_' that some S3-compatible stores accept. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` (also `s3a://`, as Hadoop and Spark name it); CONFIG_INVALID for anything else. */
export function parseS3Uri(raw: string): S3Location {
  const match = /^s3a?:\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(raw.trim());
  const bucket = match?.[1] ?? '';
  if (!match || !BUCKET.test(bucket)) {
    throw new GamepipeError('CONFIG_INVALID', `"${raw.slice(0, 200)}" is not an S3 lake: expected s3://bucket/prefix`);
  }
  const prefix = decodeURIComponent(match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((s) => s === '.' || s === '..' || (s === '' && prefix !== ''))) {
    throw new GamepipeError('CONFIG_INVALID', `"${raw.slice(0, 200)}" has an empty, "." or ".." segment in its prefix`);
  }
  return { bucket, prefix };
}

/** The lake's URI as engines read it (Trino, Spark and DuckDB all take s3://). */
export const s3Uri = ({ bucket, prefix }: S3Location): string => `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
