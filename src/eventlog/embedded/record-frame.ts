import { crc32 } from 'node:zlib';
import type { LogRecord } from '../event-log.js';

/**
 * On-disk frame of one record: u32 payload length, u32 CRC-32 of the payload, then the payload
 * (i64 offset, i64 timestamp ms, u16 key length, key bytes, value bytes). A frame that is cut
 * short or fails its CRC marks the end of what was durably written.
 */
const HEADER = 8;
const FIXED = 8 + 8 + 2;

/**
 * Signed 64-bit big-endian integers within the safe range (offsets, timestamps), without BigInts:
 * converting through them took a tenth of the time a reader spends decoding a record.
 */
const readInt64 = (buffer: Buffer, at: number): number =>
  buffer.readInt32BE(at) * 2 ** 32 + buffer.readUInt32BE(at + 4);
function writeInt64(buffer: Buffer, value: number, at: number): void {
  const high = Math.floor(value / 2 ** 32);
  buffer.writeInt32BE(high, at);
  buffer.writeUInt32BE(value - high * 2 ** 32, at + 4);
}

export function encodeFrame(offset: number, timestamp: number, key: string | null, value: string): Buffer {
  const keyBytes = key === null ? Buffer.alloc(0) : Buffer.from(key, 'utf8');
  const valueBytes = Buffer.from(value, 'utf8');
  const payloadLength = FIXED + keyBytes.length + valueBytes.length;
  const frame = Buffer.allocUnsafe(HEADER + payloadLength);
  frame.writeUInt32BE(payloadLength, 0);
  writeInt64(frame, offset, HEADER);
  writeInt64(frame, timestamp, HEADER + 8);
  frame.writeUInt16BE(key === null ? 0xffff : keyBytes.length, HEADER + 16);
  keyBytes.copy(frame, HEADER + FIXED);
  valueBytes.copy(frame, HEADER + FIXED + keyBytes.length);
  frame.writeUInt32BE(crc32(frame.subarray(HEADER)), 4);
  return frame;
}

export type DecodeResult = { record: LogRecord; size: number } | { incomplete: true } | { corrupt: true };

export type SkipResult = { offset: number; size: number } | { incomplete: true } | { corrupt: true };

/**
 * The offset and size of the frame at `at`, read from its header alone (no CRC, no decoding): for
 * stepping over frames known to be durable, ten times faster than decoding them.
 */
export function skipFrame(buffer: Buffer, at: number): SkipResult {
  if (buffer.length - at < FRAME_START_BYTES) return { incomplete: true };
  const payloadLength = buffer.readUInt32BE(at);
  if (payloadLength < FIXED) return { corrupt: true };
  if (buffer.length - at < HEADER + payloadLength) return { incomplete: true };
  return { offset: frameStartOffset(buffer, at)!, size: HEADER + payloadLength };
}

/** Bytes from a frame's start to the end of its record's offset. */
export const FRAME_START_BYTES = HEADER + 8;

/** The record offset a frame starting at `at` names, if the bytes there can be a frame's start. */
export function frameStartOffset(buffer: Buffer, at: number): number | undefined {
  if (buffer.length - at < FRAME_START_BYTES || buffer.readUInt32BE(at) < FIXED) return undefined;
  return readInt64(buffer, at + HEADER);
}

/** Decodes the frame at `at` (a record of the embedded log's one partition, 0); `incomplete` when the buffer ends inside it. */
export function decodeFrame(buffer: Buffer, at: number): DecodeResult {
  if (buffer.length - at < HEADER) return { incomplete: true };
  const payloadLength = buffer.readUInt32BE(at);
  if (payloadLength < FIXED) return { corrupt: true };
  if (buffer.length - at < HEADER + payloadLength) return { incomplete: true };
  const payload = buffer.subarray(at + HEADER, at + HEADER + payloadLength);
  if (crc32(payload) !== buffer.readUInt32BE(at + 4)) return { corrupt: true };
  const rawKeyLength = payload.readUInt16BE(16);
  const keyLength = rawKeyLength === 0xffff ? 0 : rawKeyLength;
  return {
    size: HEADER + payloadLength,
    record: {
      partition: 0,
      offset: readInt64(payload, 0),
      timestamp: readInt64(payload, 8),
      key: rawKeyLength === 0xffff ? null : payload.toString('utf8', FIXED, FIXED + keyLength),
      value: payload.toString('utf8', FIXED + keyLength),
    },
  };
}
