/** Thrift's wire type tags (TBinaryProtocol and TCompactProtocol share these names, not the bytes). */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;
export type TType = (typeof TType)[keyof typeof TType];

/**
 * A decoded Thrift value, untyped: enough to re-encode it byte for byte without knowing its IDL.
 * Strings stay as raw bytes (a `binary` field is a string on the wire), i64 as bigint.
 */
export type ThriftValue = boolean | number | bigint | Buffer | ThriftStruct | ThriftList | ThriftMap;

/** A struct's fields by id, in the order they were read (or set), each with its wire type. */
export type ThriftStruct = Map<number, ThriftField>;

export interface ThriftField {
  type: TType;
  value: ThriftValue;
}

/** A list or a set. */
export interface ThriftList {
  elementType: TType;
  items: ThriftValue[];
}

export interface ThriftMap {
  keyType: TType;
  valueType: TType;
  entries: [ThriftValue, ThriftValue][];
}
