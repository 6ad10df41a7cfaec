import { unreadableReply } from './metastore-errors.js';
import { NeedMoreBytes, ThriftBinaryReader } from './thrift-binary-reader.js';
import { ThriftBinaryWriter } from './thrift-binary-writer.js';
import type { ThriftStruct } from './thrift-value.js';

const CALL = 1;
const REPLY = 2;
const EXCEPTION = 3;
/** Strict TBinaryProtocol: version 1 in the high half of the first word, the message type in the low byte. */
const VERSION_1 = 0x80010000 | 0;
const VERSION_MASK = 0xffff0000 | 0;

/** A reply to a call: the result struct (field 0 the value, 1.. the declared exceptions), or a TApplicationException. */
export interface ThriftReply {
  name: string;
  seqid: number;
  kind: 'reply' | 'exception';
  body: ThriftStruct;
}

export function encodeCall(name: string, seqid: number, args: ThriftStruct): Buffer {
  const writer = new ThriftBinaryWriter();
  writer.i32(VERSION_1 | CALL);
  writer.string(name);
  writer.i32(seqid);
  writer.struct(args);
  return writer.bytes();
}

/** The first message in `buffer` and its size in bytes, or undefined while it is incomplete. */
export function decodeReply(buffer: Buffer, maxLength: number): { reply: ThriftReply; size: number } | undefined {
  const reader = new ThriftBinaryReader(buffer, maxLength);
  try {
    const first = reader.i32();
    let name: string;
    let type: number;
    if (first < 0) {
      if ((first & VERSION_MASK) !== VERSION_1) throw unreadableReply(`message version ${(first >>> 16).toString(16)}`);
      type = first & 0xff;
      name = reader.string().toString();
    } else {
      // The old, non-strict form: the name's length comes first, then the type byte.
      reader.offset = 0;
      name = reader.string().toString();
      type = reader.byte();
    }
    const seqid = reader.i32();
    if (type !== REPLY && type !== EXCEPTION) throw unreadableReply(`message type ${type} where a reply was expected`);
    const body = reader.struct();
    return { reply: { name, seqid, kind: type === REPLY ? 'reply' : 'exception', body }, size: reader.offset };
  } catch (error) {
    if (error instanceof NeedMoreBytes) return undefined;
    throw error;
  }
}
