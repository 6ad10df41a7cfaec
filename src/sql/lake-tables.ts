import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';
import { committedFiles } from '../lake/lake-files.js';
import type { CommittedFile } from '../lake/lake-paths.js';
import { deadLetterDir } from '../lake/lake-paths.js';
import { ownersOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** Every table the lake can hold: the event tables and the dead letters. */
export const allTableSpecs: TableSpec[] = [...tableSpecs, deadLetterSpec];

/** The directories holding a table's files, relative to the lake root. */
export function tableDirs(spec: TableSpec): string[] {
  return spec === deadLetterSpec ? ownersOf('all').map(deadLetterDir) : [spec.table];
}

/** The files a query of the table reads now. */
export async function tableFiles(storage: LakeStorage, spec: TableSpec): Promise<CommittedFile[]> {
  return (await Promise.all(tableDirs(spec).map((dir) => committedFiles(storage, dir)))).flat();
}

/** The table named `table` (`events_buy`…), if there is one. */
export const tableSpecNamed = (table: string): TableSpec | undefined => allTableSpecs.find((s) => s.table === table);
