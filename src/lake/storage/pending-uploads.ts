import type { WrittenFile } from './local/scratch-dir.js';

/** A file uploaded towards its final path but not visible there yet (an object store's open multipart upload). */
export interface PendingUpload {
  /** The path it becomes visible at, relative to the lake root. */
  path: string;
  /** The store's name for the upload (S3: the multipart upload id). */
  uploadId: string;
  /** What completing it needs besides the id, in order (S3: the parts' ETags). */
  parts: readonly string[];
}

/**
 * What `complete` found: the upload's object is at its path (`completed`, by this call or an earlier
 * one), another object was there first (`taken`), or the upload is gone and nothing is at the path
 * (`lost`: aborted, or expired by the bucket's lifecycle rule, or failed by the store through every
 * retry with nothing at the path; it can never be completed).
 */
export type CompletedAs = 'completed' | 'taken' | 'lost';

/**
 * An object store's invisible staging and its one atomic "make visible" step: what a lake commit
 * uses instead of a rename where `LakeStorage.atomicRename` is false. S3 (and MinIO, R2) give it as
 * multipart uploads: the parts are never listed, and completing one makes the whole object appear at
 * once, refused when the key exists (`If-None-Match: *`). Rules every adapter keeps:
 * - `begin` makes nothing visible and removes nothing; its upload stays open until completed or aborted;
 * - `complete` never overwrites: an object already at the path wins (`taken`), and completing twice
 *   (a retry, a recovery finishing another process's commit) is `completed` when the object there is
 *   this upload's, so it is safe to repeat;
 * - `abort` of an upload that is gone, or already completed, changes nothing and never removes the
 *   object at the path;
 * - a store that cannot be reached fails with LAKE_UNAVAILABLE (retriable).
 */
export interface PendingUploads {
  /**
   * Uploads the local file's bytes (streamed) as a pending upload towards `path`. A file still being
   * written (`ScratchDir.writing`) goes up as it grows; it resolves once the file is whole and sent,
   * and fails, leaving nothing open, when writing fails or a byte sent was rewritten.
   */
  begin(localFile: string | WrittenFile, path: string): Promise<PendingUpload>;
  /** Makes the upload's object appear at its path, whole, unless an object is there already. */
  complete(upload: PendingUpload): Promise<CompletedAs>;
  /** Drops the upload's parts; LAKE_NOT_FOUND never (a gone upload is fine). */
  abort(upload: Pick<PendingUpload, 'path' | 'uploadId'>): Promise<void>;
  /** The uploads still open towards files anywhere under `dir`. */
  listOpen(dir: string): Promise<Pick<PendingUpload, 'path' | 'uploadId'>[]>;
}
