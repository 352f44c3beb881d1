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

export class DelayScaleHistogram {
  private readonly weights = new Map<number, number>();
  total = 0;

  record(delayMs: number, scale: number, stratum: number, weight: number): void {
    if (!(weight > 0)) return;
    const di = delayMs < MIN_DELAY_MS ? D_ZERO : Math.round(Math.log(delayMs) * INV_LN_GAMMA);
    const ki = scale <= 1 ? 0 : Math.round(Math.log(scale) * INV_LN_GAMMA);
    const key = ((di + D_OFFSET) * K_SPAN + ki) * J_SPAN + stratum;
    this.weights.set(key, (this.weights.get(key) ?? 0) + weight);
    this.total += weight;
  }

  /**
   * The bins as parallel arrays in ascending key order (so sums over them do not depend on the order in
   * which bins were first met).
   */
  entries(): { d: Float64Array; k: Float64Array; j: Uint8Array; w: Float64Array; n: number } {
    const keys = Float64Array.from(this.weights.keys()).sort();
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
      w[i] = this.weights.get(key) as number;
    }
    return { d, k, j, w, n };
  }
}
