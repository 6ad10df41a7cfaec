import { GamepipeError, isGamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { IcebergCatalog, TableIdent } from './iceberg-catalog.js';
import { TableLocation } from './table-location.js';

/** The file Iceberg's Hadoop catalog keeps the current version number in: a hint, never the truth. */
export const VERSION_HINT = 'version-hint.text';
// Iceberg's HadoopTableOperations names versions `v<N>.metadata.json` (`v<N>.gz.metadata.json` when the
// table asks for gzip, which gamepipe never does: such a table is not read here).
const VERSION_FILE = /^v(\d+)\.metadata\.json$/;
const versionFileName = (version: number) => `v${version}.metadata.json`;

/** The version a `v<N>.metadata.json` location carries; undefined for any other name. */
export function lakeCatalogVersion(location: string): number | undefined {
  const match = VERSION_FILE.exec(location.slice(location.lastIndexOf('/') + 1));
  return match ? Number(match[1]) : undefined;
}

export interface LakeIcebergCatalogOptions {
  storage: LakeStorage;
  /** The table's directory in the lake (default: the table's name, as gamepipe lays out its lake). */
  tableDir?: (ident: TableIdent) => string;
}

/**
 * The catalog kept in the lake itself, for a lake without a metastore (the embedded default, a bare
 * HDFS or S3 lake): Iceberg's "file system tables" as its Hadoop catalog lays them out, so Java's
 * `HadoopTables`/`StaticTableOperations`, Spark, Trino's `file` catalog and pyiceberg open them by path.
 * - The table's version N is the file `<dir>/metadata/v<N>.metadata.json`; the current one is the
 *   highest. `metadata/version-hint.text` holds N to save a listing; readers probe past it.
 * - The commit is the non-overwriting, atomic rename of the staged metadata file (written by the
 *   table, under its own unique name) to `v<N+1>.metadata.json`: two writers on version N race for
 *   one name, and the storage port lets only one create it (LAKE_EXISTS for the other, which is
 *   ICEBERG_COMMIT_CONFLICT here). A reader never sees a half-written `v<N>` file: the staged file is
 *   complete (`create` resolved) before it is renamed, and the rename is atomic on a local disk and
 *   on HDFS; on S3 the port's rename is a PUT fenced by `If-None-Match: *`, and an object appears
 *   whole, so a reader sees the whole file or none; a crash between its PUT and its delete leaves the
 *   staged file behind, an orphan that nothing names.
 * - The hint is rewritten after the commit with the port's atomic `replace`. A failure there does not
 *   undo the commit (the rename was the commit), so it is ignored: readers find newer versions by probing.
 * - The staged file that lost the race is deleted: nothing ever named it.
 * - Old versions are deleted after a commit as Java's Hadoop tables do (`write.metadata.delete-after-commit.enabled`,
 *   keeping `write.metadata.previous-versions-max`), but never one at or past the hint (see deletableMetadataFiles).
 */
export class LakeIcebergCatalog implements IcebergCatalog {
  private readonly storage: LakeStorage;
  private readonly tableDir: (ident: TableIdent) => string;

  constructor(options: LakeIcebergCatalogOptions) {
    this.storage = options.storage;
    this.tableDir = options.tableDir ?? ((ident) => ident.table);
  }

  async currentLocation(ident: TableIdent): Promise<string | undefined> {
    const location = this.location(ident);
    const version = await this.currentVersion(location);
    return version === undefined ? undefined : location.fileUri(location.metadataPath(versionFileName(version)));
  }

  async create(ident: TableIdent, staged: string): Promise<boolean | string> {
    return (await this.publish(ident, staged, 1)) ?? false;
  }

  async commit(ident: TableIdent, expected: string, staged: string): Promise<string> {
    const base = lakeCatalogVersion(expected);
    if (base === undefined) {
      throw new GamepipeError(
        'ICEBERG_ERROR',
        `${expected} is not a metadata file of the lake catalog (v<N>.metadata.json)`,
      );
    }
    // The name v<base+1> alone is no fence once maintenance deleted old versions: a writer on a long
    // superseded base could recreate a deleted name. The newest version must still be the base.
    if ((await this.currentVersion(this.location(ident))) !== base) {
      await this.storage.delete(this.location(ident).lakePath(staged)).catch(() => false);
      throw new GamepipeError(
        'ICEBERG_COMMIT_CONFLICT',
        `${ident.database}.${ident.table} was committed by another writer first`,
      );
    }
    const committed = await this.publish(ident, staged, base + 1);
    if (!committed) {
      throw new GamepipeError(
        'ICEBERG_COMMIT_CONFLICT',
        `${ident.database}.${ident.table} was committed by another writer first`,
      );
    }
    return committed;
  }

  /**
   * Java's HadoopTableOperations fails to load a table whose hint names a missing version ("Metadata
   * file for version N is missing"), and a hint lags when its rewrite failed (or a slow committer's
   * lands late): a version at or past the hint is kept. Without a hint, readers list the versions.
   */
  async deletableMetadataFiles(ident: TableIdent, removed: string[]): Promise<string[]> {
    const hinted = await this.hintedVersion(this.location(ident));
    return removed.filter((file) => {
      const version = lakeCatalogVersion(file);
      return version === undefined || hinted === undefined || version < hinted;
    });
  }

  async close(): Promise<void> {}

  private location(ident: TableIdent): TableLocation {
    return new TableLocation(this.storage, this.tableDir(ident));
  }

  /** Renames the staged file to version `version`; its location, or undefined (staged file removed) when that version exists. */
  private async publish(ident: TableIdent, staged: string, version: number): Promise<string | undefined> {
    const location = this.location(ident);
    const from = location.lakePath(staged);
    const to = location.metadataPath(versionFileName(version));
    try {
      await this.storage.rename(from, to);
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_EXISTS') throw error;
      await this.storage.delete(from).catch(() => false);
      return undefined;
    }
    await this.storage
      .replace(location.metadataPath(VERSION_HINT), Buffer.from(String(version)))
      .catch(() => undefined);
    return location.fileUri(to);
  }

  /** The highest version: from the hint, else from a listing, then probing forward (the hint may be behind). */
  private async currentVersion(location: TableLocation): Promise<number | undefined> {
    let version = await this.hintedVersion(location);
    if (version === undefined || !(await this.storage.stat(location.metadataPath(versionFileName(version))))) {
      const listed = (await this.storage.list(`${location.dir}/metadata`))
        .map((e) => lakeCatalogVersion(e.name))
        .filter((v): v is number => v !== undefined);
      if (listed.length === 0) return undefined;
      version = Math.max(...listed);
    }
    while (await this.storage.stat(location.metadataPath(versionFileName(version + 1)))) version++;
    return version;
  }

  private async hintedVersion(location: TableLocation): Promise<number | undefined> {
    const hint = await this.storage.read(location.metadataPath(VERSION_HINT));
    const version = hint ? Number.parseInt(hint.toString('utf8').trim(), 10) : Number.NaN;
    return Number.isInteger(version) && version > 0 ? version : undefined;
  }
}
