import { parseS3LakeUri, type S3LakeUri } from '../../../config/s3-lake-uri.js';

/** A lake on S3: the bucket, and the key prefix of the lake root ('' for the bucket's root; never a leading or trailing '/'). */
export type S3Location = S3LakeUri;

/** `s3://bucket/prefix` (also `s3a://`); CONFIG_INVALID, in one line, for anything S3 could not hold (see parseS3LakeUri). */
export const parseS3Uri = (raw: string): S3Location => parseS3LakeUri(raw);

/** The lake's URI as engines read it (Trino, Spark and DuckDB all take s3://). */
export const s3Uri = ({ bucket, prefix }: S3Location): string => `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
