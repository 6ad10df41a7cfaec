import {
  TType,
  type ThriftField,
  type ThriftList,
  type ThriftMap,
  type ThriftStruct,
  type ThriftValue,
} from './thrift-value.js';

/** A struct from [id, type, value] triples; undefined values are left out (an unset optional field). */
export function thriftStruct(...fields: [number, TType, ThriftValue | undefined][]): ThriftStruct {
  const struct: ThriftStruct = new Map();
  for (const [id, type, value] of fields) if (value !== undefined) struct.set(id, { type, value });
  return struct;
}

export const thriftString = (text: string): Buffer => Buffer.from(text);
export const stringList = (items: string[]): ThriftList => ({
  elementType: TType.STRING,
  items: items.map(thriftString),
});
export const structList = (items: ThriftStruct[]): ThriftList => ({ elementType: TType.STRUCT, items });
export const stringMap = (record: Record<string, string>): ThriftMap => ({
  keyType: TType.STRING,
  valueType: TType.STRING,
  entries: Object.entries(record).map(([k, v]) => [thriftString(k), thriftString(v)]),
});

function fieldOf(struct: ThriftStruct, id: number, type: TType): ThriftField | undefined {
  const field = struct.get(id);
  return field?.type === type ? field : undefined;
}

export const readString = (struct: ThriftStruct, id: number): string | undefined =>
  fieldOf(struct, id, TType.STRING)?.value.toString();
export const readStruct = (struct: ThriftStruct, id: number): ThriftStruct | undefined =>
  fieldOf(struct, id, TType.STRUCT)?.value as ThriftStruct | undefined;

export function readStructList(struct: ThriftStruct, id: number): ThriftStruct[] | undefined {
  const list = fieldOf(struct, id, TType.LIST)?.value as ThriftList | undefined;
  return list?.elementType === TType.STRUCT ? (list.items as ThriftStruct[]) : undefined;
}

/** A copy of `struct` with one field set (added last when new); the original and its other fields are shared, unchanged. */
export function withField(struct: ThriftStruct, id: number, type: TType, value: ThriftValue): ThriftStruct {
  return new Map(struct).set(id, { type, value });
}

/** A map<string,string> field as a record; undefined when the field is not such a map. */
export function readStringMap(struct: ThriftStruct, id: number): Record<string, string> | undefined {
  const map = fieldOf(struct, id, TType.MAP)?.value as ThriftMap | undefined;
  if (map?.keyType !== TType.STRING || map.valueType !== TType.STRING) return undefined;
  return Object.fromEntries(map.entries.map(([k, v]) => [String(k), String(v)]));
}
