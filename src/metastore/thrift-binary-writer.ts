import { TType, type ThriftList, type ThriftMap, type ThriftStruct, type ThriftValue } from './thrift-value.js';

/** Encodes values with TBinaryProtocol (big-endian, strict): the protocol a Hive metastore speaks by default. */
export class ThriftBinaryWriter {
  private readonly chunks: Buffer[] = [];

  private fixed(size: number, write: (buffer: Buffer) => void): void {
    const buffer = Buffer.alloc(size);
    write(buffer);
    this.chunks.push(buffer);
  }

  byte(value: number): void {
    this.fixed(1, (b) => b.writeInt8(value));
  }

  i16(value: number): void {
    this.fixed(2, (b) => b.writeInt16BE(value));
  }

  i32(value: number): void {
    this.fixed(4, (b) => b.writeInt32BE(value));
  }

  string(value: Buffer | string): void {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    this.i32(bytes.length);
    this.chunks.push(bytes);
  }

  struct(struct: ThriftStruct): void {
    for (const [id, field] of struct) {
      this.byte(field.type);
      this.i16(id);
      this.value(field.type, field.value);
    }
    this.byte(TType.STOP);
  }

  value(type: TType, value: ThriftValue): void {
    switch (type) {
      case TType.BOOL:
        return this.byte(value ? 1 : 0);
      case TType.BYTE:
        return this.byte(value as number);
      case TType.I16:
        return this.i16(value as number);
      case TType.I32:
        return this.i32(value as number);
      case TType.I64:
        return this.fixed(8, (b) => b.writeBigInt64BE(value as bigint));
      case TType.DOUBLE:
        return this.fixed(8, (b) => b.writeDoubleBE(value as number));
      case TType.STRING:
        return this.string(value as Buffer);
      case TType.STRUCT:
        return this.struct(value as ThriftStruct);
      case TType.MAP: {
        const map = value as ThriftMap;
        this.byte(map.keyType);
        this.byte(map.valueType);
        this.i32(map.entries.length);
        for (const [k, v] of map.entries) {
          this.value(map.keyType, k);
          this.value(map.valueType, v);
        }
        return;
      }
      case TType.LIST:
      case TType.SET: {
        const list = value as ThriftList;
        this.byte(list.elementType);
        this.i32(list.items.length);
        for (const item of list.items) this.value(list.elementType, item);
        return;
      }
      default:
        throw new Error(`cannot encode Thrift type ${String(type)}`);
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
