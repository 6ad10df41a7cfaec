import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import avro from 'avsc';
import { GamepipeError } from '../errors.js';

/**
 * Avro longs as bigints: Iceberg's snapshot ids fill all 64 bits (Trino's and Java's are random), past
 * the 2^53 a JavaScript number holds exactly.
 */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (json: unknown) => BigInt(json as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const typeOf = (schema: avro.Schema): avro.Type =>
  avro.Type.forSchema(schema, { registry: { long: bigintLong }, wrapUnions: 'auto' });

const HEADER = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const COUNTS = avro.Type.forSchema('long');

/**
 * An Avro object container file of `records` in one deflated block, its header carrying the schema
 * exactly as given (with Iceberg's `field-id` attributes) and `metadata` (Iceberg's manifest keys).
 * Written here rather than by avsc's stream encoder, which exports its own copy of the schema.
 */
export function writeAvroFile(schema: avro.Schema, records: unknown[], metadata: Record<string, string>): Buffer {
  const type = typeOf(schema);
  const sync = randomBytes(16);
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from('deflate'),
  };
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value);
  const parts = [HEADER.toBuffer({ magic: Buffer.from('Obj\x01', 'latin1'), meta, sync })];
  if (records.length > 0) {
    const block = deflateRawSync(Buffer.concat(records.map((r) => type.toBuffer(r))));
    parts.push(COUNTS.toBuffer(records.length), COUNTS.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

export interface AvroFile {
  /** The writer's schema, as its header gives it. */
  schema: Record<string, unknown>;
  metadata: Record<string, string>;
  records: Record<string, unknown>[];
}

/** Reads a whole Avro object container file; longs come back as bigints. ICEBERG_ERROR for bytes that are not one. */
export function readAvroFile(bytes: Buffer, name: string): Promise<AvroFile> {
  return new Promise((resolve, reject) => {
    let schema: Record<string, unknown> = {};
    let metadata: Record<string, string> = {};
    const records: Record<string, unknown>[] = [];
    const decoder = new avro.streams.BlockDecoder({
      parseHook: (raw: avro.Schema) => {
        schema = raw as Record<string, unknown>;
        return typeOf(raw);
      },
    });
    decoder.on('metadata', (_type: avro.Type, _codec: string, header: { meta: Record<string, Buffer> }) => {
      metadata = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString('utf8')]));
    });
    decoder.on('data', (record: Record<string, unknown>) => records.push(record));
    decoder.on('error', (error: Error) =>
      reject(new GamepipeError('ICEBERG_ERROR', `${name} is not an Avro file Iceberg wrote: ${error.message}`)),
    );
    decoder.on('end', () => resolve({ schema, metadata, records }));
    decoder.end(bytes);
  });
}
