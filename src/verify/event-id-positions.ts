import { randomInt } from 'node:crypto';

/** No position is negative: an empty slot. */
const EMPTY = -1;
const FIRST_CAPACITY = 1024;

/** One round of a multiply-xorshift hash, spreading each of an id's words over all bits of the slot. */
const mix = (h: number, word: number) => {
  const m = Math.imul(h ^ word, 0x85ebca6b);
  return m ^ (m >>> 13);
};

/**
 * The position each event_id of the log was first seen at, keyed by the id without dashes. A Map
 * of those strings took 365 MB of verify's peak RSS over 1,000,000 events; an id as gamepipe
 * writes it (32 lower-case hex digits once its dashes are dropped) is held instead as its 128 bits
 * in an open-addressing table over typed arrays: 24 bytes a slot, at most three slots in four
 * taken. Any other id (verify reads hostile logs too) goes to a Map, so an id is in one or the
 * other by its spelling alone. Ids are compared whole, never by hash: no false duplicate.
 */
export class EventIdPositions {
  private words = new Uint32Array(4 * FIRST_CAPACITY);
  private positions = new Float64Array(FIRST_CAPACITY).fill(EMPTY);
  private count = 0;
  private readonly others = new Map<string, number>();
  private readonly parsed = new Uint32Array(4);
  // Unknown to whoever wrote the log, so its ids cannot be chosen to pile up in one run of slots.
  private readonly seed = randomInt(2 ** 32);

  /** Notes `id` at `position` and returns undefined; or, if it was noted before, returns that position. */
  add(id: string, position: number): number | undefined {
    if (!this.parse(id)) {
      // A copy: the id matched in a record is a slice of it, keeping the whole record alive, and
      // replaceAll returns that very slice when there is no dash to drop.
      const key = JSON.parse(JSON.stringify(id.replaceAll('-', ''))) as string;
      const seen = this.others.get(key);
      if (seen === undefined) this.others.set(key, position);
      return seen;
    }
    const slot = this.slotOf(this.words, this.positions);
    if (this.positions[slot] !== EMPTY) return this.positions[slot];
    this.words.set(this.parsed, 4 * slot);
    this.positions[slot] = position;
    if (++this.count * 4 > this.positions.length * 3) this.grow();
    return undefined;
  }

  /** Reads `id` into `parsed` if it is 32 lower-case hex digits once its dashes are dropped. */
  private parse(id: string): boolean {
    this.parsed.fill(0);
    let digits = 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c === 45) continue; // '-'
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (digit < 0 || digits === 32) return false;
      const word = digits >> 3;
      this.parsed[word] = (this.parsed[word]! << 4) | digit;
      digits++;
    }
    return digits === 32;
  }

  /** The slot of `words` holding `parsed`, or the empty one where it belongs (linear probing). */
  private slotOf(words: Uint32Array, positions: Float64Array): number {
    const id = this.parsed;
    const a = id[0]!,
      b = id[1]!,
      c = id[2]!,
      d = id[3]!;
    let h = mix(mix(mix(mix(this.seed, a), b), c), d);
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    const mask = positions.length - 1;
    for (let slot = (h ^ (h >>> 16)) & mask; ; slot = (slot + 1) & mask) {
      if (positions[slot] === EMPTY) return slot;
      const at = 4 * slot;
      if (words[at] === a && words[at + 1] === b && words[at + 2] === c && words[at + 3] === d) return slot;
    }
  }

  /** Doubles the table, so that at most three slots in four are taken and runs of them stay short. */
  private grow(): void {
    const words = new Uint32Array(2 * this.words.length);
    const positions = new Float64Array(2 * this.positions.length).fill(EMPTY);
    for (let old = 0; old < this.positions.length; old++) {
      if (this.positions[old] === EMPTY) continue;
      for (let w = 0; w < 4; w++) this.parsed[w] = this.words[4 * old + w]!;
      const slot = this.slotOf(words, positions);
      words.set(this.parsed, 4 * slot);
      positions[slot] = this.positions[old]!;
    }
    this.words = words;
    this.positions = positions;
  }
}
