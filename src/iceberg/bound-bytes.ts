import { GamepipeError } from '../errors.js';

/** A column bound as gamepipe knows it: timestamps as UTC milliseconds. */
export type BoundValue = string | number | bigint | boolean;

/**
 * A value in Iceberg's binary single-value serialization (spec Appendix D), for manifests' column
 * bounds and partition summaries: little-endian numbers, UTF-8 strings, timestamps in microseconds.
 */
export function boundBytes(type: string, value: BoundValue): Buffer {
  const buf = Buffer.alloc(8);
  switch (type) {
    case 'string':
      return Buffer.from(String(value), 'utf8');
    case 'boolean':
      return Buffer.from([value ? 1 : 0]);
    case 'int':
      buf.writeInt32LE(Number(value));
      return buf.subarray(0, 4);
    case 'long':
      buf.writeBigInt64LE(BigInt(value));
      return buf;
    case 'double':
      buf.writeDoubleLE(Number(value));
      return buf;
    case 'timestamp':
    case 'timestamptz':
      buf.writeBigInt64LE(BigInt(value) * 1000n);
      return buf;
    default:
      throw new GamepipeError('ICEBERG_ERROR', `no bound serialization for Iceberg type ${type} here`);
  }
}
