import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { partitionLocation, partitionName, relocatedPartition } from '../../src/metastore/hive-metastore-objects.js';
import { ThriftBinaryWriter } from '../../src/metastore/thrift-binary-writer.js';
import { decodeReply } from '../../src/metastore/thrift-message.js';
import { readString, thriftString, thriftStruct } from '../../src/metastore/thrift-struct.js';
import { TType, type ThriftStruct } from '../../src/metastore/thrift-value.js';
import { rejection } from '../helpers/rejection.js';

/**
 * Recorded from Hive Metastore 4.0.1 (test/services/hive-metastore.sh): the reply to
 * get_partition_by_name('rec', 'events_buy', 'dt=2026-11-28'), a Parquet partition at
 * file:/lake/events_buy/dt=2026-11-28 with fields gamepipe never sets (skewed info, catalog, write id).
 */
const RECORDED_REPLY = Buffer.from(
  'gAEAAgAAABVnZXRfcGFydGl0aW9uX2J5X25hbWUAAAABDAAADwABCwAAAAEAAAAKMjAyNi0xMS0yOAsAAgAAAANyZWMLAAMAAAAKZXZlbnRzX2J1eQgABGsMRJYIAAUAAAAADAAGDwABDAAAAAILAAEAAAAJaXRlbV90eXBlCwACAAAABnN0cmluZwALAAEAAAAFcHJpY2ULAAIAAAAGYmlnaW50AAsAAgAAACNmaWxlOi9sYWtlL2V2ZW50c19idXkvZHQ9MjAyNi0xMS0yOAsAAwAAAD1vcmcuYXBhY2hlLmhhZG9vcC5oaXZlLnFsLmlvLnBhcnF1ZXQuTWFwcmVkUGFycXVldElucHV0Rm9ybWF0CwAEAAAAPm9yZy5hcGFjaGUuaGFkb29wLmhpdmUucWwuaW8ucGFycXVldC5NYXByZWRQYXJxdWV0T3V0cHV0Rm9ybWF0AgAFAAgABv////8MAAcLAAIAAAA7b3JnLmFwYWNoZS5oYWRvb3AuaGl2ZS5xbC5pby5wYXJxdWV0LnNlcmRlLlBhcnF1ZXRIaXZlU2VyRGUNAAMLCwAAAAAADwAICwAAAAAPAAkMAAAAAA0ACgsLAAAAAAwACw8AAQsAAAAADwACDwAAAAANAAMPCwAAAAAAAgAMAAANAAcLCwAAAAEAAAAVdHJhbnNpZW50X2xhc3REZGxUaW1lAAAACjE3OTU5NjYxMDILAAkAAAAEaGl2ZQoACv//////////AAA=',
  'base64',
);
/** Strict header: version word, the method name (4 + 21 bytes), the sequence id. */
const HEADER_BYTES = 4 + 4 + 'get_partition_by_name'.length + 4;
const MAX = 1 << 20;

const encode = (struct: ThriftStruct) => {
  const writer = new ThriftBinaryWriter();
  writer.struct(struct);
  return writer.bytes();
};
const lengthPrefixed = (text: string) =>
  Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
const recordedPartition = () => decodeReply(RECORDED_REPLY, MAX)!.reply.body.get(0)!.value as ThriftStruct;

describe('Thrift binary codec', () => {
  it('decodes a recorded metastore reply and re-encodes it byte for byte', () => {
    const decoded = decodeReply(RECORDED_REPLY, MAX);
    assert.ok(decoded);
    assert.equal(decoded.size, RECORDED_REPLY.length);
    assert.equal(decoded.reply.name, 'get_partition_by_name');
    assert.equal(decoded.reply.kind, 'reply');
    const partition = decoded.reply.body.get(0)!.value as ThriftStruct;
    assert.equal(partitionLocation(partition), 'file:/lake/events_buy/dt=2026-11-28');
    assert.equal(readString(partition, 9), 'hive', 'the catalog name, a field gamepipe does not model, is read');
    assert.deepEqual(encode(decoded.reply.body), RECORDED_REPLY.subarray(HEADER_BYTES));
  });

  it('relocating a partition changes the location bytes and nothing else', () => {
    const moved = relocatedPartition(recordedPartition(), 'file:/lake/events_buy/_gen-2/dt=2026-11-28');
    const before = RECORDED_REPLY.subarray(HEADER_BYTES);
    const oldLocation = lengthPrefixed('file:/lake/events_buy/dt=2026-11-28');
    const at = before.indexOf(oldLocation);
    assert.ok(at > 0);
    const expected = Buffer.concat([
      before.subarray(0, at),
      lengthPrefixed('file:/lake/events_buy/_gen-2/dt=2026-11-28'),
      before.subarray(at + oldLocation.length),
    ]);
    assert.deepEqual(encode(thriftStruct([0, TType.STRUCT, moved])), expected);
    assert.equal(
      partitionLocation(recordedPartition()),
      'file:/lake/events_buy/dt=2026-11-28',
      'the partition read is left unchanged',
    );
  });

  it('round-trips every wire type, empty containers and bytes that are not UTF-8', () => {
    const inner = thriftStruct([1, TType.STRING, Buffer.from([0xff, 0x00, 0xc3])], [7, TType.DOUBLE, -0.125]);
    const struct = thriftStruct(
      [1, TType.BOOL, true],
      [2, TType.BYTE, -7],
      [3, TType.I16, -32768],
      [4, TType.I32, 2147483647],
      [5, TType.I64, -9007199254740993n],
      [6, TType.DOUBLE, 1e300],
      [7, TType.STRUCT, inner],
      [
        8,
        TType.LIST,
        {
          elementType: TType.LIST,
          items: [
            { elementType: TType.I32, items: [1, 2] },
            { elementType: TType.I32, items: [] },
          ],
        },
      ],
      [9, TType.SET, { elementType: TType.STRING, items: [thriftString('a')] }],
      [10, TType.MAP, { keyType: TType.STRING, valueType: TType.STRUCT, entries: [[thriftString('k'), inner]] }],
      [11, TType.MAP, { keyType: TType.I64, valueType: TType.BOOL, entries: [] }],
      [32767, TType.BOOL, false],
    );
    const bytes = encode(thriftStruct([0, TType.STRUCT, struct]));
    const reply = Buffer.concat([RECORDED_REPLY.subarray(0, HEADER_BYTES), bytes]);
    const decoded = decodeReply(reply, MAX)!.reply.body;
    assert.deepEqual(decoded.get(0)!.value, struct);
    assert.deepEqual(encode(decoded), bytes);
  });

  it('waits for more bytes on every truncation of a reply', () => {
    for (let length = 0; length < RECORDED_REPLY.length; length++) {
      assert.equal(decodeReply(RECORDED_REPLY.subarray(0, length), MAX), undefined, `${length} bytes`);
    }
  });

  it('refuses bytes that are not a Thrift reply with METASTORE_ERROR instead of waiting for them', () => {
    const garbage = [
      Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'),
      Buffer.concat([
        RECORDED_REPLY.subarray(0, HEADER_BYTES),
        Buffer.from([TType.STRING, 0, 1, 0x7f, 0xff, 0xff, 0xff]),
      ]),
      Buffer.concat([RECORDED_REPLY.subarray(0, HEADER_BYTES), Buffer.from([9, 0, 1])]),
    ];
    for (const bytes of garbage) {
      assert.throws(
        () => decodeReply(bytes, MAX),
        (e: unknown) => e instanceof GamepipeError && e.code === 'METASTORE_ERROR',
      );
    }
  });

  it('names partitions as Hive does, escaping the characters of a path', () => {
    assert.equal(partitionName(['dt'], ['2026-11-28']), 'dt=2026-11-28');
    assert.equal(partitionName(['writer', 'dt'], ['a/b=c', '2026-11-28']), 'writer=a%2Fb%3Dc/dt=2026-11-28');
  });
});

/** Reads the method name and sequence id of a strict binary call (all a fake server needs to answer it). */
function callHeader(bytes: Buffer): { name: string; seqid: number } | undefined {
  if (bytes.length < 8) return undefined;
  const nameLength = bytes.readInt32BE(4);
  if (bytes.length < 12 + nameLength) return undefined;
  return { name: bytes.subarray(8, 8 + nameLength).toString(), seqid: bytes.readInt32BE(8 + nameLength) };
}

function replyBytes(name: string, seqid: number, type: 2 | 3, body: ThriftStruct): Buffer {
  const writer = new ThriftBinaryWriter();
  writer.i32(0x80010000 | type);
  writer.string(name);
  writer.i32(seqid);
  writer.struct(body);
  return writer.bytes();
}

const exception = (message: string) => thriftStruct([1, TType.STRING, thriftString(message)]);

/** A fake metastore on a free port; `answer` is given each call's header and the socket. */
async function fakeMetastore(
  answer: (call: { name: string; seqid: number }, socket: Socket, count: number) => void,
): Promise<string> {
  let count = 0;
  const server: Server = createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const call = callHeader(received);
      if (!call) return;
      received = Buffer.alloc(0);
      answer(call, socket, ++count);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  return `thrift://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Hive metastore client transport', () => {
  const clients: HiveMetastoreClient[] = [];
  const client = (url: string, timeoutMs = 5000) => {
    const created = new HiveMetastoreClient({ url, timeoutMs });
    clients.push(created);
    return created;
  };
  after(() => Promise.all(clients.map((c) => c.close())));

  it('reads a reply that arrives one byte at a time', async () => {
    const url = await fakeMetastore(({ seqid }, socket) => {
      const reply = Buffer.from(RECORDED_REPLY);
      reply.writeInt32BE(seqid, HEADER_BYTES - 4);
      const drip = (i: number) =>
        i < reply.length && socket.write(reply.subarray(i, i + 1), () => setImmediate(() => drip(i + 1)));
      drip(0);
    });
    const partition = await client(url).getPartition('rec', 'events_buy', 'dt=2026-11-28');
    assert.equal(partition && partitionLocation(partition), 'file:/lake/events_buy/dt=2026-11-28');
  });

  it('answers undefined for a missing object, and METASTORE_ERROR in one line for any other exception', async () => {
    const url = await fakeMetastore(({ name, seqid }, socket, count) => {
      const body =
        count === 1
          ? thriftStruct([2, TType.STRUCT, exception('partition values=[2026-11-28]')])
          : thriftStruct([1, TType.STRUCT, exception('Got exception:\n  java.io.IOException disk full')]);
      socket.write(replyBytes(name, seqid, 2, body));
    });
    const metastore = client(url);
    assert.equal(await metastore.getPartition('rec', 'events_buy', 'dt=2026-11-28'), undefined);
    const error = await rejection(metastore.getPartition('rec', 'events_buy', 'dt=2026-11-28'));
    assert.equal(error.code, 'METASTORE_ERROR');
    assert.equal(error.retriable, false);
    assert.equal(error.message, 'get_partition_by_name: MetaException: Got exception: java.io.IOException disk full');
  });

  it('reports a TApplicationException (an unknown method) as METASTORE_ERROR', async () => {
    const url = await fakeMetastore(({ name, seqid }, socket) =>
      socket.write(replyBytes(name, seqid, 3, exception(`Invalid method name: '${name}'`))),
    );
    const error = await rejection(client(url).getTable('rec', 'events_buy'));
    assert.equal(error.code, 'METASTORE_ERROR');
    assert.match(error.message, /^get_table_req: TApplicationException: Invalid method name: 'get_table_req'$/);
  });

  it('fails the call in flight with a retriable METASTORE_UNAVAILABLE when the server drops the connection, and reconnects for the next', async () => {
    const url = await fakeMetastore(({ seqid }, socket, count) => {
      const reply = Buffer.from(RECORDED_REPLY);
      reply.writeInt32BE(seqid, HEADER_BYTES - 4);
      if (count === 1) socket.end(reply.subarray(0, 100));
      else socket.write(reply);
    });
    const metastore = client(url);
    const error = await rejection(metastore.getPartition('rec', 'events_buy', 'dt=2026-11-28'));
    assert.equal(error.code, 'METASTORE_UNAVAILABLE');
    assert.equal(error.retriable, true);
    const partition = await metastore.getPartition('rec', 'events_buy', 'dt=2026-11-28');
    assert.equal(partition && partitionLocation(partition), 'file:/lake/events_buy/dt=2026-11-28');
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const url = await fakeMetastore(() => {});
    const error = await rejection(client(url, 300).getDatabase('default'));
    assert.equal(error.code, 'METASTORE_UNAVAILABLE');
    assert.match(error.message, /did not answer get_database within 0.3 s/);
  });

  it('refuses a URL that does not name a Thrift server, in one line', () => {
    for (const url of ['http://127.0.0.1:9083', 'thrift://', '127.0.0.1:9083']) {
      assert.throws(
        () => new HiveMetastoreClient({ url }),
        (e: unknown) => e instanceof GamepipeError && e.code === 'CONFIG_INVALID' && !e.message.includes('\n'),
      );
    }
  });

  it('reports a metastore that is not listening as METASTORE_UNAVAILABLE', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await rejection(client(`thrift://127.0.0.1:${port}`).getDatabase('default'));
    assert.equal(error.code, 'METASTORE_UNAVAILABLE');
    assert.match(error.message, /cannot be reached \(ECONNREFUSED\)/);
  });
});
