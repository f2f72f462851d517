/**
 * A compact set of event keys for a streamed feed: per key 16 bytes in typed arrays (a 32-bit
 * hash, the line number and the byte offset of the line that had it), not the key
 * and its event. A lookup answers "certainly new" or "maybe seen, on these lines": the caller
 * re-reads those lines to decide, so the answer is exact while the memory stays small (about
 * 32 MB for a million events, against about 1 GB for a Map of parsed events).
 */

const MIN_CAPACITY = 1 << 12;

/** A 32-bit hash of a string (FNV-1a, then murmur3's finaliser to spread the bits); never 0. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0 || 1;
}

/** Where a key may have been seen before. */
export interface SeenAt {
  line: number;
  offset: number;
}

/**
 * An open-addressing set of keys (by 32-bit hash) with where each was first seen.
 *
 * @example
 * const keys = new KeySet();
 * keys.candidates('1:0xab:0') // [] — certainly new
 * keys.add('1:0xab:0', 3, 120);
 * keys.candidates('1:0xab:0') // [{ line: 3, offset: 120 }] — re-read line 3 to compare
 */
export class KeySet {
  private hashes = new Uint32Array(MIN_CAPACITY);
  private lines = new Uint32Array(MIN_CAPACITY);
  private offsets = new Float64Array(MIN_CAPACITY);
  private count = 0;

  /** Keys added. */
  get size(): number {
    return this.count;
  }

  /** The lines whose key has the same hash (empty: the key is certainly new). */
  candidates(key: string): SeenAt[] {
    const h = hashOf(key);
    const mask = this.hashes.length - 1;
    let found: SeenAt[] | null = null;
    for (let i = h & mask; this.hashes[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] === h) (found ??= []).push({ line: this.lines[i], offset: this.offsets[i] });
    }
    return found ?? [];
  }

  /** Adds a key first seen on `line` at byte `offset`. */
  add(key: string, line: number, offset: number): void {
    if ((this.count + 1) * 2 > this.hashes.length) this.grow();
    this.put(hashOf(key), line, offset);
    this.count++;
  }

  private put(h: number, line: number, offset: number): void {
    const mask = this.hashes.length - 1;
    let i = h & mask;
    while (this.hashes[i] !== 0) i = (i + 1) & mask;
    this.hashes[i] = h;
    this.lines[i] = line;
    this.offsets[i] = offset;
  }

  private grow(): void {
    const { hashes, lines, offsets } = this;
    const capacity = hashes.length * 2;
    this.hashes = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.offsets = new Float64Array(capacity);
    for (let i = 0; i < hashes.length; i++) if (hashes[i] !== 0) this.put(hashes[i], lines[i], offsets[i]);
  }
}
