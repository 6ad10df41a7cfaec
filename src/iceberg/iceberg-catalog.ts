import type { TableMetadata } from './table-metadata.js';

/** A table's name in its catalog. */
export interface TableIdent {
  database: string;
  table: string;
}

/**
 * Where an Iceberg table's current metadata file is recorded: the single pointer whose swap is the
 * commit. Rules every adapter keeps:
 * - `commit` is a compare-and-swap: it succeeds only while the pointer is still `expected`, atomically
 *   for every reader; else it fails with ICEBERG_COMMIT_CONFLICT (retriable: rebuild on the new
 *   metadata and commit again) and changes nothing;
 * - when the catalog cannot tell whether a swap happened (the connection dropped mid-call), it fails
 *   with ICEBERG_COMMIT_IN_DOUBT: the new metadata file must then be kept, and the table reread;
 * - `create` declares a table whose pointer is `location`; false (nothing changed) when a table of that name exists;
 * - the metadata files themselves live in the lake, written by the table before `create`/`commit`.
 *   A metastore catalog records their location as it is; a catalog kept in the lake (Iceberg's file
 *   system tables) commits by moving the staged file to its version's name, and returns that location,
 *   which is then the table's. Nothing else may assume the staged name survives.
 */
export interface IcebergCatalog {
  /** The current metadata file's location, or undefined when there is no such table. ICEBERG_ERROR when the table is not an Iceberg table. */
  currentLocation(ident: TableIdent): Promise<string | undefined>;
  /** True (or the location the metadata file was committed under, when the catalog moved it) once created. */
  create(ident: TableIdent, location: string, metadata: TableMetadata): Promise<boolean | string>;
  /**
   * Swaps the pointer from `expected` to `location`; `metadata` is the new file's content, for catalogs
   * that mirror parts of it. Resolves to the committed file's location when the catalog moved it.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a metastore adapter that keeps the file where it is returns nothing.
  commit(ident: TableIdent, expected: string, location: string, metadata: TableMetadata): Promise<string | void>;
  /**
   * Of the metadata files a commit dropped from the metadata log (to be deleted, see
   * metadata-cleanup.ts), those that are safe to delete now; all of them when absent. The lake's
   * catalog keeps any version its hint may still point readers at.
   */
  deletableMetadataFiles?(ident: TableIdent, removed: string[]): Promise<string[]>;
  close(): Promise<void>;
}
