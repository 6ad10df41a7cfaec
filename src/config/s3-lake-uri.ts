import { GamepipeError } from '../errors.js';

/** A lake on S3: the bucket, and the key prefix of the lake root ('' for the bucket's root; never a leading or trailing '/'). */
export interface S3LakeUri {
  bucket: string;
  prefix: string;
}

/** Bucket names as S3 allows them (3-63 of a-z, 0-9, '.', '-'), plus '_' that some S3-compatible stores accept. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
/** Tabs, newlines and the other control characters: legal in a key, but they break every line that names the lake. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** S3 keys are at most 1,024 bytes; the lake's own paths under the prefix take up to about 120. */
const MAX_PREFIX_BYTES = 900;

/**
 * `s3://bucket/prefix` (also `s3a://`, as Hadoop and Spark name it), read where the config is read so
 * that a lake S3 could never hold is a usage error (exit 2) before anything runs. The prefix may be
 * percent-encoded (`%20`); what it decodes to is the key prefix, so `%2e%2e` is `..` and refused.
 */
export function parseS3LakeUri(raw: string): S3LakeUri {
  const shown = JSON.stringify(raw.slice(0, 200)); // quoted, and a newline in it stays on the one line
  const refuse = (why: string) => new GamepipeError('CONFIG_INVALID', `invalid lake ${shown}: ${why}`);
  const match = /^s3a?:\/\/([^/]*)(\/.*)?$/is.exec(raw);
  if (!match || !BUCKET.test(match[1]!))
    throw refuse('expected s3://bucket/prefix (a bucket name of 3 to 63 a-z, 0-9, ".", "-")');
  if (/[?#]/.test(raw)) throw refuse('an S3 lake has no query or fragment ("?", "#"): expected s3://bucket/prefix');
  let prefix: string;
  try {
    prefix = decodeURIComponent(match[2] ?? '');
  } catch {
    throw refuse('a "%" must start an escape like %20 (write a "%" itself as %25)');
  }
  if (CONTROL.test(prefix)) throw refuse('the prefix has a control character (a tab, a newline)');
  prefix = prefix.replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((s) => s === '.' || s === '..' || (s === '' && prefix !== ''))) {
    throw refuse('the prefix has an empty, "." or ".." segment');
  }
  if (Buffer.byteLength(prefix) > MAX_PREFIX_BYTES) throw refuse(`the prefix is longer than ${MAX_PREFIX_BYTES} bytes`);
  return { bucket: match[1]!, prefix };
}
