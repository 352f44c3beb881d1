/**
 * Seeded random streams. Every random draw in a simulation comes from a stream named for what it models
 * (e.g. `traffic.noise`, `fargate.startup`), derived from (seed, name), so adding a component never shifts
 * another component's draws and variants of a sweep share draws (common random numbers).
 *
 * Generator: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), state seeded
 * through splitmix32 so that small or similar seeds give unrelated streams.
 */

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a stream name. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: a 32-bit variant of SplittableRandom's mixer (constants from MurmurHash3's fmix32). */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Build a stream from two 32-bit words; use `stream(seed, name)` rather than calling this directly. */
  constructor(seedWord: number, nameWord: number) {
    const st = { s: (seedWord ^ Math.imul(nameWord, 0x27d4eb2d)) | 0 };
    // Mix the name in twice so that streams differing only in name diverge from the first draw.
    st.s = (st.s + splitmix32({ s: nameWord })) | 0;
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const b = this.b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in (0, 1): safe for logarithms. */
  nextOpen(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return u;
  }

  /** Exponential variate with the given mean. */
  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  /** Standard normal variate (Box–Muller, one of the pair; no cached state keeps streams easy to reason about). */
  normal(): number {
    const u1 = this.nextOpen();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Poisson variate: inversion for small means, normal approximation (rounded, ≥ 0) above 500. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The stream named `name` under `seed`. Same (seed, name) ⇒ same sequence, on every machine. */
export function stream(seed: number, name: string): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return new Rng((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0, hashName(name));
}

/** A function returning uniforms in [0,1): the shape pure models accept so they need no Rng class. */
export type Uniform = () => number;
