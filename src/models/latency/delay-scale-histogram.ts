/**
 * Weights of (delay d, scale k, service stratum j) triples, d and k binned on a log grid, for the fluid
 * model's whole-run latency mixture L = d + k·S (src/models/latency/recorder.ts). Each coordinate is rounded to the nearest power
 * of γ = 1.02, so a pair's representative is within √γ − 1 < 1 % of the recorded value in each
 * coordinate, hence every latency d + k·s within 1 % (the bound stated for LogHistogram). Delays below
 * `MIN_DELAY_MS` count as 0 (absolute error < 0.01 ms) and a scale of exactly 1 stays exactly 1, so
 * unscaled, undelayed requests are represented without error.
 */
const GAMMA = 1.02;
const INV_LN_GAMMA = 1 / Math.log(GAMMA);
/** Delays below this (ms) are recorded as 0. */
export const MIN_DELAY_MS = 0.01;
// Key = ((delay index + D_OFFSET) · K_SPAN + scale index) · J_SPAN + stratum; every index fits with
// room to spare (delays 0.01 ms to 10⁹ ms, scales 1 to 10⁶, strata below 16), keys below 2^53.
const D_OFFSET = 1 << 12;
const K_SPAN = 1 << 12;
const J_SPAN = 16;
const D_ZERO = -D_OFFSET;
/** A free slot of the table (keys are ≥ 0). */
const EMPTY = -1;

/** The bin of (delay, scale, stratum): an integer below 2^53. */
export function binOf(delayMs: number, scale: number, stratum: number): number {
  const di = delayMs < MIN_DELAY_MS ? D_ZERO : Math.round(Math.log(delayMs) * INV_LN_GAMMA);
  const ki = scale <= 1 ? 0 : Math.round(Math.log(scale) * INV_LN_GAMMA);
  return ((di + D_OFFSET) * K_SPAN + ki) * J_SPAN + stratum;
}

/** Slot of a key in a table of 2^(32 − shift) slots: a multiplicative hash of its two 32-bit halves. */
function slotOf(key: number, shift: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
}

export class DelayScaleHistogram {
  // Weight by key in an open-addressing table (keys are integers below 2^53; EMPTY marks a free slot):
  // a Map keyed by such numbers boxes and hashes each one, and this is recorded ~30 times per new minute.
  private keys = new Float64Array(1 << 10).fill(EMPTY);
  private weights = new Float64Array(1 << 10);
  private used = 0;
  private shift = 32 - 10;
  total = 0;

  record(delayMs: number, scale: number, stratum: number, weight: number): void {
    if (!(weight > 0)) return;
    this.add(binOf(delayMs, scale, stratum), weight);
  }

  /** Add weight to a bin (`binOf`): what `record` does once the bin is known. */
  add(key: number, weight: number): void {
    if (!(weight > 0)) return;
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = slotOf(key, this.shift);
    for (;;) {
      const k = keys[i];
      if (k === key) {
        this.weights[i] += weight;
        break;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.weights[i] = weight;
        if (++this.used * 2 > keys.length) this.grow();
        break;
      }
      i = (i + 1) & mask;
    }
    this.total += weight;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldWeights = this.weights;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.weights = new Float64Array(oldKeys.length * 2);
    this.shift--;
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j];
      if (key === EMPTY) continue;
      let i = slotOf(key, this.shift);
      while (this.keys[i] !== EMPTY) i = (i + 1) & mask;
      this.keys[i] = key;
      this.weights[i] = oldWeights[j];
    }
  }

  /**
   * The bins as parallel arrays in ascending key order (so sums over them do not depend on the order in
   * which bins were first met).
   */
  entries(): { d: Float64Array; k: Float64Array; j: Uint8Array; w: Float64Array; n: number } {
    const keys = this.keys.filter((k) => k !== EMPTY).sort();
    const byKey = new Map<number, number>();
    for (let i = 0; i < this.keys.length; i++)
      if (this.keys[i] !== EMPTY) byKey.set(this.keys[i], this.weights[i]);
    const n = keys.length;
    const d = new Float64Array(n);
    const k = new Float64Array(n);
    const j = new Uint8Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      j[i] = key % J_SPAN;
      const dk = (key - j[i]) / J_SPAN;
      const ki = dk % K_SPAN;
      const di = (dk - ki) / K_SPAN - D_OFFSET;
      d[i] = di === D_ZERO ? 0 : GAMMA ** di;
      k[i] = GAMMA ** ki;
      w[i] = byKey.get(key) as number;
    }
    return { d, k, j, w, n };
  }
}
