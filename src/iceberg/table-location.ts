import { randomUUID } from 'node:crypto';
import { GamepipeError } from '../errors.js';
import { normalLocation } from '../metastore/normal-location.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/**
 * A table's directory in the lake, and the translation between lake paths (what the storage port
 * takes) and the absolute URIs Iceberg metadata holds (what Trino and Spark open).
 */
export class TableLocation {
  constructor(
    readonly storage: LakeStorage,
    /** The table's directory, relative to the lake root: `events_buy`. */
    readonly dir: string,
  ) {}

  /** The table's `location` in its metadata. */
  get uri(): string {
    return `${this.storage.uri}/${this.dir}`;
  }

  fileUri(lakePath: string): string {
    return `${this.storage.uri}/${lakePath}`;
  }

  /** The lake path of a URI from metadata (any engine's spelling: `file:/x` or `file:///x`); ICEBERG_ERROR outside the lake. */
  lakePath(uri: string): string {
    const root = `${normalLocation(this.storage.uri)}/`;
    const file = normalLocation(uri);
    if (!file.startsWith(root))
      throw new GamepipeError('ICEBERG_ERROR', `${uri} is outside the lake ${this.storage.uri}`);
    return file.slice(root.length);
  }

  /** A new file's lake path under `metadata/`. */
  metadataPath(name: string): string {
    return `${this.dir}/metadata/${name}`;
  }

  newManifestPath(): string {
    return this.metadataPath(`${randomUUID()}-m0.avro`);
  }

  manifestListPath(snapshotId: bigint, attempt: number): string {
    return this.metadataPath(`snap-${snapshotId}-${attempt}-${randomUUID()}.avro`);
  }

  async read(uri: string): Promise<Buffer> {
    const data = await this.storage.read(this.lakePath(uri));
    if (!data)
      throw new GamepipeError(
        'ICEBERG_ERROR',
        `${uri} is missing: the table's metadata points at a file that is not there`,
      );
    return data;
  }
}
