import { unreadableReply as malformed } from './metastore-errors.js';
import { TType, type ThriftList, type ThriftMap, type ThriftStruct, type ThriftValue } from './thrift-value.js';

/** Thrown inside the reader when the buffer ends before the value does; the caller waits for more bytes. */
export class NeedMoreBytes {}

/** Deeper than any metastore object; a guard against a hostile reply blowing the stack. */
const MAX_DEPTH = 64;
const KNOWN_TYPES = new Set<number>(Object.values(TType));

/**
 * Decodes TBinaryProtocol from a buffer that may hold only the start of a message: every read past
 * the end throws NeedMoreBytes. Lengths above `maxLength` are taken as garbage, not as a promise of
 * that many bytes to come.
 */
export class ThriftBinaryReader {
  offset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly maxLength: number,
  ) {}

  private take(size: number): number {
    if (this.offset + size > this.buffer.length) throw new NeedMoreBytes();
    const start = this.offset;
    this.offset += size;
    return start;
  }

  byte(): number {
    return this.buffer.readInt8(this.take(1));
  }

  i16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  i32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  private length(): number {
    const length = this.i32();
    if (length < 0 || length > this.maxLength) throw malformed(`a length of ${length}`);
    return length;
  }

  private type(): number {
    const type = this.byte();
    if (!KNOWN_TYPES.has(type) || type === TType.STOP) throw malformed(`unknown type tag ${type}`);
    return type;
  }

  string(): Buffer {
    const length = this.length();
    const start = this.take(length);
    return Buffer.from(this.buffer.subarray(start, start + length));
  }

  struct(depth = 0): ThriftStruct {
    if (depth > MAX_DEPTH) throw malformed(`structs nested deeper than ${MAX_DEPTH}`);
    const struct: ThriftStruct = new Map();
    for (;;) {
      const type = this.byte();
      if (type === TType.STOP) return struct;
      if (!KNOWN_TYPES.has(type)) throw malformed(`unknown type tag ${type}`);
      const id = this.i16();
      struct.set(id, { type: type as TType, value: this.value(type as TType, depth) });
    }
  }

  value(type: TType, depth: number): ThriftValue {
    switch (type) {
      case TType.BOOL:
        return this.byte() !== 0;
      case TType.BYTE:
        return this.byte();
      case TType.I16:
        return this.i16();
      case TType.I32:
        return this.i32();
      case TType.I64:
        return this.buffer.readBigInt64BE(this.take(8));
      case TType.DOUBLE:
        return this.buffer.readDoubleBE(this.take(8));
      case TType.STRING:
        return this.string();
      case TType.STRUCT:
        return this.struct(depth + 1);
      case TType.MAP: {
        const map: ThriftMap = { keyType: this.type() as TType, valueType: this.type() as TType, entries: [] };
        for (let n = this.length(); n > 0; n--)
          map.entries.push([this.value(map.keyType, depth + 1), this.value(map.valueType, depth + 1)]);
        return map;
      }
      case TType.LIST:
      case TType.SET: {
        const list: ThriftList = { elementType: this.type() as TType, items: [] };
        for (let n = this.length(); n > 0; n--) list.items.push(this.value(list.elementType, depth + 1));
        return list;
      }
      default:
        throw malformed(`unknown type tag ${String(type)}`);
    }
  }
}
