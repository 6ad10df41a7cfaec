import { randomBytes } from 'node:crypto';
import { GamepipeError, isGamepipeError } from '../errors.js';
import type { TableSpec } from '../events/tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { type DataFile, type LiveDataFile, liveDataFile } from './data-file.js';
import type { IcebergCatalog, TableIdent } from './iceberg-catalog.js';
import { evolveSchema, initialSchema, nameMapping } from './iceberg-schema.js';
import { EntryStatus } from './manifest.js';
import { dayPartitionSpec } from './partition-spec.js';
import { readSnapshotManifests } from './manifest-io.js';
import {
  type AddedManifest,
  type BuiltSnapshot,
  buildSnapshot,
  type Change,
  uncommittedFiles,
  writeAddedManifest,
} from './snapshot-producer.js';
import { deleteRemovedMetadataFiles } from './metadata-cleanup.js';
import { TableLocation } from './table-location.js';
import { GAMEPIPE_TABLE_PROPERTIES } from './table-properties.js';
import {
  currentSchema,
  currentSnapshot,
  metadataFileName,
  metadataVersion,
  newTableMetadata,
  nextVersion,
  parseTableMetadata,
  serializeTableMetadata,
  type Snapshot,
  type TableMetadata,
  withSchema,
} from './table-metadata.js';

/** The snapshot summary key holding gamepipe's log positions: a JSON object, one entry per writer. */
export const POSITIONS_KEY = 'gamepipe.positions';

export interface IcebergTableOptions {
  storage: LakeStorage;
  catalog: IcebergCatalog;
  ident: TableIdent;
  /** The table's directory in the lake, e.g. `events_buy`. */
  dir: string;
  /** Commit attempts before a conflict is given up (default 10). */
  maxAttempts?: number;
  now?: () => number;
}

/** What a commit records beside its files. */
export interface CommitOptions {
  /** This writer's positions, merged over those of the nearest ancestor snapshot that carries any. */
  positions?: Record<string, unknown>;
  /** Extra summary keys. */
  summary?: Record<string, string>;
  /**
   * Asked with the positions the table records before each attempt (so again after a lost race):
   * 'skip' commits nothing (the commit already landed) and returns the current snapshot; it may
   * throw to refuse the commit (a fenced writer).
   */
  decide?: (recorded: Record<string, unknown>) => 'commit' | 'skip';
}

const randomSnapshotId = (): bigint => randomBytes(8).readBigInt64BE() & 0x7fffffffffffffffn;

const tableProperties = (metadataSchema: Parameters<typeof nameMapping>[0]): Record<string, string> => ({
  ...GAMEPIPE_TABLE_PROPERTIES,
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd', // as gamepipe's writers encode, and Iceberg's default
  'schema.name-mapping.default': nameMapping(metadataSchema),
});

/**
 * One Iceberg (format v2) table of the lake, committed through a catalog. See src/iceberg/README.md for
 * the design. Rules:
 * - each `append`/`replace` is one snapshot, atomic for every reader: the catalog's pointer swap is
 *   the only commit step; files written before it are unreferenced until it succeeds;
 * - a commit that loses the race (another writer, Trino's INSERT or optimize) is rebuilt on the new
 *   current snapshot and retried, up to `maxAttempts`; a replace first re-checks that its removed
 *   files are still live (ICEBERG_REPLACE_STALE when not);
 * - ICEBERG_COMMIT_IN_DOUBT leaves the outcome to be read back: `positions()` tells whether it landed;
 * - the only files deleted here are old metadata files that fell out of the metadata log once a
 *   commit succeeded (`write.metadata.delete-after-commit.enabled`, see metadata-cleanup.ts), and
 *   this commit's own files no attempt that landed names (a lost attempt's manifest list, metadata
 *   file and rewritten manifests; the added manifest a merge folded in), as Java's
 *   SnapshotProducer does; what a crashed commit or one in doubt wrote is an orphan for maintenance.
 */
export class IcebergTable {
  private constructor(
    private readonly options: IcebergTableOptions,
    private readonly location: TableLocation,
    private base: TableMetadata,
    private baseLocation: string,
  ) {}

  /** Opens the table, creating it from `spec` when absent, and evolving its schema to `spec` when present. */
  static async create(options: IcebergTableOptions, spec: TableSpec): Promise<IcebergTable> {
    const existing = await IcebergTable.open(options);
    if (existing) {
      await existing.evolveSchema(spec);
      await existing.addBoundingProperties();
      return existing;
    }
    const location = new TableLocation(options.storage, options.dir);
    const schema = initialSchema(spec);
    const metadata = newTableMetadata({
      location: location.uri,
      schema,
      spec: dayPartitionSpec(schema),
      properties: tableProperties(schema),
      nowMs: (options.now ?? Date.now)(),
    });
    const path = location.metadataPath(metadataFileName(0));
    await options.storage.create(path, serializeTableMetadata(metadata));
    const created = await options.catalog.create(options.ident, location.fileUri(path), metadata);
    if (created) {
      return new IcebergTable(options, location, metadata, created === true ? location.fileUri(path) : created);
    }
    // Another process created it meanwhile: use theirs.
    return IcebergTable.create(options, spec);
  }

  /** The table as its catalog points at it now; undefined when there is none. */
  static async open(options: IcebergTableOptions): Promise<IcebergTable | undefined> {
    const metadataLocation = await options.catalog.currentLocation(options.ident);
    if (!metadataLocation) return undefined;
    const location = new TableLocation(options.storage, options.dir);
    const metadata = parseTableMetadata(await location.read(metadataLocation), metadataLocation);
    return new IcebergTable(options, location, metadata, metadataLocation);
  }

  get metadata(): TableMetadata {
    return this.base;
  }

  get metadataLocation(): string {
    return this.baseLocation;
  }

  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.base);
  }

  /** Rereads the table's current metadata from the catalog. */
  async refresh(): Promise<void> {
    const now = await this.options.catalog.currentLocation(this.options.ident);
    if (!now) throw new GamepipeError('ICEBERG_ERROR', `${this.options.ident.table} no longer exists in the catalog`);
    if (now === this.baseLocation) return;
    this.base = parseTableMetadata(await this.location.read(now), now);
    this.baseLocation = now;
  }

  /** The data files of a snapshot (the current one by default), read from its manifests. */
  async liveDataFiles(snapshot = this.currentSnapshot()): Promise<LiveDataFile[]> {
    if (!snapshot) return [];
    const manifests = await readSnapshotManifests(this.location, snapshot);
    return manifests
      .filter((m) => m.manifest.content === 0)
      .flatMap((m) => m.entries.filter((e) => e.status !== EntryStatus.DELETED))
      .map((e) => liveDataFile(e.dataFile, e.snapshotId, this.location));
  }

  /** Adds `files` (complete, durable Parquet files in the lake) as one `append` snapshot. */
  append(files: DataFile[], options: CommitOptions = {}): Promise<Snapshot> {
    return this.commit({ operation: 'append', added: files, removed: [], summary: options.summary ?? {} }, options);
  }

  /** Swaps `removed` (lake paths of live files) for `added` holding the same rows, as one `replace` snapshot (compaction). */
  replace(removed: string[], added: DataFile[], options: CommitOptions = {}): Promise<Snapshot> {
    return this.commit({ operation: 'replace', added, removed, summary: options.summary ?? {} }, options);
  }

  /**
   * The positions recorded by the nearest snapshot, walking back from the current one, that carries
   * any (a Trino INSERT or optimize in between carries none); {} for a table gamepipe never committed to.
   */
  async positions(): Promise<Record<string, unknown>> {
    const byId = new Map(this.base.snapshots.map((s) => [s['snapshot-id'], s]));
    for (
      let s = this.currentSnapshot();
      s;
      s = s['parent-snapshot-id'] === undefined ? undefined : byId.get(s['parent-snapshot-id'])
    ) {
      const recorded = s.summary[POSITIONS_KEY];
      if (recorded !== undefined) return JSON.parse(recorded) as Record<string, unknown>;
    }
    return {};
  }

  /** Brings the table's schema to `spec`'s columns (see evolveSchema in iceberg-schema.ts); false when it already matched. */
  async evolveSchema(spec: TableSpec): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const evolved = evolveSchema(currentSchema(this.base), this.base['last-column-id'], spec);
      if (!evolved.changed) return false;
      const schema = { ...evolved.schema, 'schema-id': Math.max(...this.base.schemas.map((s) => s['schema-id'])) + 1 };
      const next = withSchema(
        this.base,
        this.baseLocation,
        schema,
        evolved.lastColumnId,
        // Only the mapping changes with the schema: the other properties may have been set by hand since.
        { 'schema.name-mapping.default': nameMapping(schema) },
        this.now(),
      );
      if (await this.trySwap(next, attempt)) return true;
    }
  }

  /**
   * Gives a table created before gamepipe set its bounding properties (GAMEPIPE_TABLE_PROPERTIES)
   * those it lacks; a value set by hand stays. False when it had them all.
   */
  async addBoundingProperties(): Promise<boolean> {
    const committed = await this.update((base) =>
      Object.keys(GAMEPIPE_TABLE_PROPERTIES).every((key) => key in base.properties)
        ? undefined
        : { ...base, properties: { ...GAMEPIPE_TABLE_PROPERTIES, ...base.properties } },
    );
    return committed !== undefined;
  }

  /**
   * Commits `change(base)`, a change of the metadata alone (snapshot expiry, properties), on the
   * newest base: rebuilt after a lost race. Undefined when `change` returns nothing to commit; else
   * the base it was committed over and the metadata committed.
   */
  async update(
    change: (base: TableMetadata) => TableMetadata | undefined,
  ): Promise<{ before: TableMetadata; after: TableMetadata } | undefined> {
    for (let attempt = 1; ; attempt++) {
      const before = this.base;
      const changed = change(before);
      if (!changed) return undefined;
      const after = nextVersion(before, this.baseLocation, changed, this.now());
      if (await this.trySwap(after, attempt)) return { before, after };
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async commit(change: Change, options: CommitOptions): Promise<Snapshot> {
    const snapshotId = randomSnapshotId();
    let added: AddedManifest | undefined;
    const attempts: BuiltSnapshot[] = [];
    for (let attempt = 1; ; attempt++) {
      if (options.decide?.(await this.positions()) === 'skip') {
        await this.deleteOwnFiles(uncommittedFiles(attempts, added, undefined));
        return currentSnapshot(this.base)!;
      }
      added ??= await writeAddedManifest(this.location, this.base, change.added, snapshotId);
      const summary = { ...change.summary };
      if (options.positions)
        summary[POSITIONS_KEY] = JSON.stringify({ ...(await this.positions()), ...options.positions });
      const next = await buildSnapshot(
        this.location,
        this.base,
        this.baseLocation,
        { ...change, summary },
        snapshotId,
        attempt,
        added,
        this.now(),
      );
      attempts.push(next);
      if (await this.trySwap(next.metadata, attempt)) {
        await this.deleteOwnFiles(uncommittedFiles(attempts, added, next));
        return currentSnapshot(this.base)!;
      }
    }
  }

  /** Deletes files this table wrote under fresh names that no commit names (best effort: else orphans for maintenance). */
  private async deleteOwnFiles(uris: string[]): Promise<void> {
    for (const uri of uris) await this.options.storage.delete(this.location.lakePath(uri)).catch(() => false);
  }

  /** Writes `next` as the next metadata file and swaps the catalog's pointer to it; false (after a refresh) when another commit won. */
  private async trySwap(next: TableMetadata, attempt: number): Promise<boolean> {
    const path = this.location.metadataPath(metadataFileName(metadataVersion(this.baseLocation) + 1));
    await this.options.storage.create(path, serializeTableMetadata(next));
    let uri = this.location.fileUri(path);
    try {
      uri = (await this.options.catalog.commit(this.options.ident, this.baseLocation, uri, next)) ?? uri;
    } catch (error) {
      if (
        !isGamepipeError(error) ||
        error.code !== 'ICEBERG_COMMIT_CONFLICT' ||
        attempt >= (this.options.maxAttempts ?? 10)
      )
        throw error;
      // The swap did not happen: nothing names the file just written (the lake's catalog removed it already).
      await this.deleteOwnFiles([this.location.fileUri(path)]);
      await this.refresh();
      return false;
    }
    const base = this.base;
    this.base = next;
    this.baseLocation = uri;
    await deleteRemovedMetadataFiles(this.location, this.options.catalog, this.options.ident, base, next);
    return true;
  }
}
