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

/** One splitmix64 step: returns [next state, output]. Used only for seeding. */
function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

/** A seed: a non-negative safe integer or a bigint below 2^64. */
export type Seed = number | bigint;

function seedToBigInt(seed: Seed, field: string): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new UserError({ field, value: seed, message: `seed must be a non-negative integer, got ${seed}` });
    }
    return BigInt(seed);
  }
  if (seed < 0n || seed > MASK64) throw new UserError({ field, value: seed, message: `seed must be in [0, 2^64), got ${seed}` });
  return seed;
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
    const master = seedToBigInt(seed, 'seed');
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new UserError({ field: 'stream index', value: index, message: `must be a non-negative integer, got ${index}` });
    }
    let state = master;
    let out: bigint;
    [state, out] = splitmix64(state);
    [state, out] = splitmix64(out ^ ((BigInt(index) * 0xd1b54a32d192ed03n) & MASK64));
    const [state2, a] = splitmix64(out);
    const [, b] = splitmix64(state2);
    return new Rng(Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n));
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
    for (;;) {
      const hz = this.nextInt32();
      const iz = hz & 127;
      const j = hz >> 7; // signed 25-bit magnitude in [-2^24, 2^24)
      const x = j * zigW[iz];
      if (Math.abs(j) < zigK[iz]) return x;
      if (iz === 0) return this.normalTail(j < 0);
      if (zigF[iz] + this.uniform() * (zigF[iz - 1] - zigF[iz]) < Math.exp(-0.5 * x * x)) return x;
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
