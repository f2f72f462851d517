/**
 * Seeded randomness that gives the same numbers on every machine.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 32-bit integer arithmetic only, so results do
 * not depend on the platform. Streams: one master seed is split into independent streams
 * by hashing (master seed, stream index) through splitmix64, so run `i` of a Monte Carlo
 * study gets the same numbers whichever worker runs it. {@link Rng.jump} advances a stream
 * by 2^64 draws for sub-streams inside one run.
 *
 * Samplers: uniform, normal (ziggurat, 128 layers), lognormal, gamma (Marsaglia–Tsang),
 * Dirichlet (normalised gammas), Poisson (product of uniforms, in exact chunks of mean ≤ 30).
 */
import { UserError } from './errors.ts';

const MASK64 = (1n << 64n) - 1n;

// Seeding arithmetic on 64-bit words held as two uint32 halves (hi, lo): no BigInt, so a stream
// costs a few dozen integer operations. Results land in `word` = [hi, lo].
const word = new Uint32Array(2);
const GOLDEN_HI = 0x9e3779b9; // splitmix64's increment 0x9e3779b97f4a7c15
const GOLDEN_LO = 0x7f4a7c15;

/** word = (ah:al) + (bh:bl) mod 2^64. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  word[1] = lo; // stores reduce mod 2^32
  word[0] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

/** word = (ah:al) · (bh:bl) mod 2^64 (the low halves' full product from 16-bit limbs). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  word[0] = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl);
  word[1] = Math.imul(al, bl);
}

/** word = splitmix64's output for the incremented state (h:l): z ^= z>>30; z *= …; z ^= z>>27; z *= …; z ^= z>>31. */
function mix64(h: number, l: number): void {
  mul64(h ^ (h >>> 30), l ^ ((l >>> 30) | (h << 2)), 0xbf58476d, 0x1ce4e5b9);
  h = word[0];
  l = word[1];
  mul64(h ^ (h >>> 27), l ^ ((l >>> 27) | (h << 5)), 0x94d049bb, 0x133111eb);
  h = word[0];
  l = word[1];
  word[0] = h ^ (h >>> 31);
  word[1] = l ^ ((l >>> 31) | (h << 1));
}

/** word = the output of one splitmix64 step from state (h:l) (the next state is (h:l) + golden). */
function splitmix64(h: number, l: number): void {
  add64(h, l, GOLDEN_HI, GOLDEN_LO);
  mix64(word[0], word[1]);
}

/** A seed: a non-negative safe integer or a bigint below 2^64. */
export type Seed = number | bigint;

/** Checks a seed and puts it into `word`. */
function seedToWord(seed: Seed, field: string): void {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new UserError({ field, value: seed, message: `seed must be a non-negative integer, got ${seed}` });
    }
    word[0] = Math.floor(seed / 2 ** 32);
    word[1] = seed;
    return;
  }
  if (seed < 0n || seed > MASK64) throw new UserError({ field, value: seed, message: `seed must be in [0, 2^64), got ${seed}` });
  word[0] = Number(seed >> 32n);
  word[1] = Number(seed & 0xffffffffn);
}

// Ziggurat tables (Marsaglia & Tsang 2000), 128 layers, for 25-bit signed magnitudes.
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const ZIG_M = 2 ** 24;
const zigK = new Int32Array(128);
const zigW = new Float64Array(128);
const zigF = new Float64Array(128);
(function buildZigguratTables(): void {
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  zigK[0] = Math.floor((dn / q) * ZIG_M);
  zigK[1] = 0;
  zigW[0] = q / ZIG_M;
  zigW[127] = dn / ZIG_M;
  zigF[0] = 1;
  zigF[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    zigK[i + 1] = Math.floor((dn / tn) * ZIG_M);
    tn = dn;
    zigF[i] = Math.exp(-0.5 * dn * dn);
    zigW[i] = dn / ZIG_M;
  }
})();

/** The 32-bit draw {@link Rng.fillNormal}'s fast loop rejected last (handed to the full ziggurat). */
let rejectedDraw = 0;

/**
 * A seeded random stream.
 *
 * @example
 * const rng = Rng.stream(42, 3);   // run 3 of a study seeded 42
 * const z = rng.normal();          // standard normal
 * const w = rng.dirichlet([1, 1, 1]);
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // never the all-zero state
  }

  /** A stream from a single seed (same as `Rng.stream(seed, 0)`). */
  static fromSeed(seed: Seed): Rng {
    return Rng.stream(seed, 0);
  }

  /**
   * Stream `index` of master seed `seed`: independent of every other index, and the same
   * whichever process computes it.
   */
  static stream(seed: Seed, index: number): Rng {
    seedToWord(seed, 'seed');
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new UserError({ field: 'stream index', value: index, message: `must be a non-negative integer, got ${index}` });
    }
    // out = splitmix64(master); out = splitmix64(out ^ index·0xd1b54a32d192ed03); the state is
    // the next two outputs from there.
    splitmix64(word[0], word[1]);
    const outHi = word[0];
    const outLo = word[1];
    mul64(Math.floor(index / 2 ** 32), index >>> 0, 0xd1b54a32, 0xd192ed03);
    splitmix64((outHi ^ word[0]) >>> 0, (outLo ^ word[1]) >>> 0);
    const hi = word[0];
    const lo = word[1];
    splitmix64(hi, lo);
    const aHi = word[0];
    const aLo = word[1];
    add64(hi, lo, GOLDEN_HI, GOLDEN_LO);
    splitmix64(word[0], word[1]);
    return new Rng(aLo, aHi, word[1], word[0]);
  }

  /**
   * The stream of the random process called `name` in stream `index` of master seed `seed`:
   * each process (a venue's rate path, the investor flows, a price path) draws from its own
   * stream, so adding, removing, reordering or re-parameterising one process leaves every
   * other process's numbers exactly as they were. The name is hashed (two FNV-1a 32-bit
   * variants) into the stream's state through splitmix64.
   *
   * @example Rng.named(42, 0, 'venue:aave').normal() // the same whatever other venues exist
   */
  static named(seed: Seed, index: number, name: string): Rng {
    const base = Rng.stream(seed, index);
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ name.length;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    splitmix64((base.s0 ^ h1) >>> 0, (base.s1 ^ h2) >>> 0);
    const aHi = word[0];
    const aLo = word[1];
    splitmix64((base.s2 ^ aHi) >>> 0, (base.s3 ^ aLo) >>> 0);
    return new Rng(aLo, aHi, word[1], word[0]);
  }

  /** A copy with the same state. */
  clone(): Rng {
    return new Rng(this.s0, this.s1, this.s2, this.s3);
  }

  /** Next 32 random bits as a signed int32. */
  nextInt32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextInt32() >>> 5; // 27 bits
    const lo = this.nextInt32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1): never exactly 0, safe under `Math.log`. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Integer uniform in [0, n) without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal N(0, 1) by the ziggurat method (layer index and magnitude from separate bits). */
  normal(): number {
    return this.normalFrom(this.nextInt32());
  }

  /**
   * Fills `out[start…end)` with standard normals: the numbers that many {@link Rng.normal} calls
   * return, drawn several times faster (the generator state stays in locals between the rare
   * draws the ziggurat's fast test rejects).
   *
   * @example Rng.stream(42, 0).fillNormal(new Float64Array(366), 1) // out[1…365] = 365 normals
   */
  fillNormal(out: Float64Array, start = 0, end = out.length): Float64Array {
    for (let i = start; i < end; i++) {
      i = this.fillFastNormals(out, i, end);
      if (i < end) out[i] = this.normalFrom(rejectedDraw);
    }
    return out;
  }

  /**
   * Writes the normals the ziggurat's fast test accepts into out[i…end) and returns the index of
   * the first draw it rejects (its bits in `rejectedDraw`, the state past it), or `end`.
   */
  private fillFastNormals(out: Float64Array, i: number, end: number): number {
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (; i < end; i++) {
      const hz = Math.imul(rotl(Math.imul(s1, 5), 7), 9); // nextInt32 on the locals
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const j = hz >> 7;
      if (!(Math.abs(j) < zigK[hz & 127])) {
        rejectedDraw = hz;
        break;
      }
      out[i] = j * zigW[hz & 127];
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return i;
  }

  /** The ziggurat from a first 32-bit draw `hz`, drawing more until a sample is accepted. */
  private normalFrom(hz: number): number {
    for (;;) {
      const iz = hz & 127;
      const j = hz >> 7; // signed 25-bit magnitude in [-2^24, 2^24)
      const x = j * zigW[iz];
      if (Math.abs(j) < zigK[iz]) return x;
      if (iz === 0) return this.normalTail(j < 0);
      if (zigF[iz] + this.uniform() * (zigF[iz - 1] - zigF[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextInt32();
    }
  }

  private normalTail(negative: boolean): number {
    let x: number;
    let y: number;
    do {
      x = -Math.log(this.uniformOpen()) / ZIG_R;
      y = -Math.log(this.uniformOpen());
    } while (y + y < x * x);
    return negative ? -(ZIG_R + x) : ZIG_R + x;
  }

  /** Lognormal: exp(mu + sigma·Z). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang; shape > 0, scale > 0. Mean shape·scale. */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
    if (shape < 1) {
      // Boost: Gamma(a) = Gamma(a + 1) · U^(1/a).
      return this.gamma(shape + 1, scale) * Math.pow(this.uniformOpen(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.uniformOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /**
   * Dirichlet(alpha): a random point of the simplex with mean alpha / Σalpha.
   * Writes into `out` when given (no allocation) and returns it.
   */
  dirichlet(alpha: ArrayLike<number>, out: Float64Array = new Float64Array(alpha.length)): Float64Array {
    let sum = 0;
    for (let i = 0; i < alpha.length; i++) {
      const g = this.gamma(alpha[i]);
      out[i] = g;
      sum += g;
    }
    for (let i = 0; i < alpha.length; i++) out[i] /= sum;
    return out;
  }

  /**
   * Poisson(mean): the number of events of a process with that expected count. Exact:
   * Knuth's product of uniforms, summed over chunks of mean ≤ 30 (a sum of Poissons is Poisson).
   */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poisson needs a finite mean >= 0, got ${mean}`);
    let count = 0;
    let left = mean;
    while (left > 0) {
      const chunk = Math.min(left, 30);
      left -= chunk;
      const limit = Math.exp(-chunk);
      let product = this.uniform();
      while (product > limit) {
        count++;
        product *= this.uniform();
      }
    }
    return count;
  }

  /** Advances this stream by 2^64 draws (xoshiro128** jump polynomial). */
  jump(): void {
    const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          s0 ^= this.s0;
          s1 ^= this.s1;
          s2 ^= this.s2;
          s3 ^= this.s3;
        }
        this.nextInt32();
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
