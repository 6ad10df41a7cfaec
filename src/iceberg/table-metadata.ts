import { randomUUID } from 'node:crypto';
import { GamepipeError } from '../errors.js';
import type { IcebergSchema } from './iceberg-schema.js';
import { parseLongJson, stringifyLongJson } from './long-json.js';
import type { PartitionSpec } from './partition-spec.js';
import { previousVersionsMax } from './table-properties.js';

/** A snapshot in the spec's JSON form; fields gamepipe does not know are kept as read. */
export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: { operation: string } & Record<string, string>;
  'schema-id'?: number;
  [other: string]: unknown;
}

/**
 * Table metadata, format version 2, in the spec's JSON form (Appendix C). Fields gamepipe does not
 * know (Trino's `statistics`, for one) are kept as read, so a gamepipe commit never drops another
 * engine's metadata.
 */
export interface TableMetadata {
  'format-version': 2;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  'current-schema-id': number;
  schemas: IcebergSchema[];
  'default-spec-id': number;
  'partition-specs': PartitionSpec[];
  'last-partition-id': number;
  'default-sort-order-id': number;
  'sort-orders': unknown[];
  properties: Record<string, string>;
  'current-snapshot-id'?: bigint;
  refs?: Record<string, { 'snapshot-id': bigint; type: string; [other: string]: unknown }>;
  snapshots: Snapshot[];
  'snapshot-log': { 'snapshot-id': bigint; 'timestamp-ms': number }[];
  'metadata-log': { 'metadata-file': string; 'timestamp-ms': number }[];
  [other: string]: unknown;
}

export interface NewTableOptions {
  location: string;
  schema: IcebergSchema;
  spec: PartitionSpec;
  properties: Record<string, string>;
  nowMs?: number;
}

export function newTableMetadata(options: NewTableOptions): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': randomUUID(),
    location: options.location,
    'last-sequence-number': 0,
    'last-updated-ms': options.nowMs ?? Date.now(),
    'last-column-id': Math.max(...options.schema.fields.map((f) => f.id)),
    'current-schema-id': options.schema['schema-id'],
    schemas: [options.schema],
    'default-spec-id': options.spec['spec-id'],
    'partition-specs': [options.spec],
    'last-partition-id': Math.max(999, ...options.spec.fields.map((f) => f['field-id'])),
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: options.properties,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

const asId = (value: unknown): bigint | undefined =>
  typeof value === 'bigint' ? value : typeof value === 'number' && value !== -1 ? BigInt(value) : undefined;

function invalid(location: string, why: string): GamepipeError {
  return new GamepipeError('ICEBERG_ERROR', `${location} is not Iceberg v2 table metadata: ${why}`);
}

/** Reads a metadata file; ids become bigints. ICEBERG_ERROR when it is not format version 2 metadata. */
export function parseTableMetadata(bytes: Uint8Array, location: string): TableMetadata {
  let raw: Record<string, unknown>;
  try {
    raw = parseLongJson(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw invalid(location, (error as Error).message);
  }
  if (raw['format-version'] !== 2) throw invalid(location, `format-version ${String(raw['format-version'])}`);
  for (const field of ['table-uuid', 'location', 'schemas', 'partition-specs', 'last-sequence-number'])
    if (raw[field] === undefined) throw invalid(location, `no ${field}`);
  const m = raw as unknown as TableMetadata;
  m.snapshots = (m.snapshots ?? []).map((s) => ({
    ...s,
    'snapshot-id': asId(s['snapshot-id'])!,
    ...(s['parent-snapshot-id'] === undefined ? {} : { 'parent-snapshot-id': asId(s['parent-snapshot-id'])! }),
  }));
  const current = asId(raw['current-snapshot-id']);
  if (current === undefined) delete m['current-snapshot-id'];
  else m['current-snapshot-id'] = current;
  for (const ref of Object.values(m.refs ?? {})) ref['snapshot-id'] = asId(ref['snapshot-id'])!;
  m['snapshot-log'] = (m['snapshot-log'] ?? []).map((e) => ({ ...e, 'snapshot-id': asId(e['snapshot-id'])! }));
  m['metadata-log'] = m['metadata-log'] ?? [];
  m.properties = m.properties ?? {};
  return m;
}

export const serializeTableMetadata = (metadata: TableMetadata): Buffer => Buffer.from(stringifyLongJson(metadata, 2));

export function currentSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = metadata.refs?.main?.['snapshot-id'] ?? metadata['current-snapshot-id'];
  return id === undefined ? undefined : metadata.snapshots.find((s) => s['snapshot-id'] === id);
}

export function currentSchema(metadata: TableMetadata): IcebergSchema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  if (!schema) throw invalid(metadata.location, `no schema ${metadata['current-schema-id']}`);
  return schema;
}

export function defaultSpec(metadata: TableMetadata): PartitionSpec {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  if (!spec) throw invalid(metadata.location, `no partition spec ${metadata['default-spec-id']}`);
  return spec;
}

/**
 * `changed` (a change of `base`) as the next version, written at a new location: the base's file
 * joins the metadata log, which keeps the newest `write.metadata.previous-versions-max` entries of
 * the new metadata's properties (Java's TableMetadata.Builder); see metadata-cleanup.ts for the
 * files that fall out.
 */
export function nextVersion(
  base: TableMetadata,
  baseLocation: string | undefined,
  changed: TableMetadata,
  nowMs: number,
): TableMetadata {
  const log = baseLocation
    ? [...base['metadata-log'], { 'metadata-file': baseLocation, 'timestamp-ms': base['last-updated-ms'] }]
    : base['metadata-log'];
  return { ...changed, 'last-updated-ms': nowMs, 'metadata-log': log.slice(-previousVersionsMax(changed)) };
}

/** `base` with `snapshot` (its sequence number already the base's last plus one) as the main branch's head. */
export function withSnapshot(
  base: TableMetadata,
  baseLocation: string | undefined,
  snapshot: Snapshot,
  nowMs: number,
): TableMetadata {
  const changed: TableMetadata = {
    ...base,
    'last-sequence-number': snapshot['sequence-number'],
    snapshots: [...base.snapshots, snapshot],
    'current-snapshot-id': snapshot['snapshot-id'],
    refs: { ...base.refs, main: { ...base.refs?.main, 'snapshot-id': snapshot['snapshot-id'], type: 'branch' } },
    'snapshot-log': [...base['snapshot-log'], { 'snapshot-id': snapshot['snapshot-id'], 'timestamp-ms': nowMs }],
  };
  return nextVersion(base, baseLocation, changed, nowMs);
}

/** `base` with a new current schema (and its properties, e.g. the name mapping, updated). */
export function withSchema(
  base: TableMetadata,
  baseLocation: string | undefined,
  schema: IcebergSchema,
  lastColumnId: number,
  properties: Record<string, string>,
  nowMs: number,
): TableMetadata {
  const changed: TableMetadata = {
    ...base,
    schemas: [...base.schemas, schema],
    'current-schema-id': schema['schema-id'],
    'last-column-id': lastColumnId,
    properties: { ...base.properties, ...properties },
  };
  return nextVersion(base, baseLocation, changed, nowMs);
}

/** `<version>-<uuid>.metadata.json`, as Iceberg's metastore catalogs name them. */
export const metadataFileName = (version: number): string =>
  `${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;

/** The version a metadata file's name carries (`00003-<uuid>.metadata.json` or the lake catalog's `v3.metadata.json`); -1 for a name Iceberg would not have written. */
export function metadataVersion(location: string): number {
  const match = /\/(?:(\d+)-[^/]*|v(\d+))\.metadata\.json$/.exec(location);
  return match ? Number(match[1] ?? match[2]) : -1;
}
