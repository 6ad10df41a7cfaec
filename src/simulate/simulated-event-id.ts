/**
 * A UUIDv7 (RFC 9562) for a simulated event: its 48-bit time is the event's own time, so ids sort
 * with the simulated timeline, and its 74 random bits come from the seeded generator, so a seed
 * gives the same ids on every run.
 */
export function simulatedEventId(eventTs: number, random: () => number): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(eventTs, 0, 6);
  bytes.writeUInt16BE(0x7000 | Math.floor(random() * 0x1000), 6);
  bytes.writeUInt32BE(Math.floor(random() * 0x1_0000_0000), 8);
  bytes.writeUInt32BE(Math.floor(random() * 0x1_0000_0000), 12);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
