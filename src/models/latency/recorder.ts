import type { ServiceTimeDistribution } from "./distributions.js";
import { LogHistogram } from "./histogram.js";

/** Equal-probability strata used to represent an exponential queue wait in the fluid model. */
export const WAIT_STRATA = 4;
// Mid-probability points of Exp(1), −ln(1 − (k + ½)/K), rescaled so their average is exactly 1: the
// strata keep the wait's mean (the raw midpoints' average is 0.916 for K = 4).
const RAW_OFFSETS = Array.from({ length: WAIT_STRATA }, (_, k) => -Math.log(1 - (k + 0.5) / WAIT_STRATA));
const RAW_MEAN = RAW_OFFSETS.reduce((s, x) => s + x, 0) / WAIT_STRATA;
const STRATA_OFFSETS = RAW_OFFSETS.map((x) => x / RAW_MEAN);

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Expected number of recorded requests with latency ≤ the SLO latency. */
  withinSlo: number;
  count: number;
}

/**
 * Latency of requests in the fluid model: latency = D + S, where S is the service time (a known
 * distribution) and D a delay the model computes per tick (queueing, CPU contention). Delays are recorded
 * with fractional weights; percentiles come from the exact mixture CDF
 *   F(x) = Σ_i w_i · F_S(x − d_i) / Σ_i w_i,
 * solved by bisection, so they carry no sampling noise. Delays are binned in a log histogram (1 %
 * relative error) for the whole run and kept exactly per minute.
 */
export class LatencyRecorder {
  private readonly delays = new LogHistogram();
  private zeroWeight = 0;
  private delaySum = 0;
  private weightTotal = 0;
  private maxDelay = 0;
  // Current minute: exact entries.
  private mZero = 0;
  private mD = new Float64Array(256);
  private mW = new Float64Array(256);
  private mN = 0;
  /** CDF of the service time; tabulated where the closed form is costly. */
  private readonly cdfS: (x: number) => number;
  // Entries appended by the last recordWithWait, reused while its inputs repeat (−1: none).
  private lastFirst = -1;
  private lastBase = 0;
  private lastP = 0;
  private lastWait = 0;
  private lastStrataSum = 0;
  private readonly sQ: Record<"p50" | "p90" | "p95" | "p99", number>;

  constructor(
    readonly service: ServiceTimeDistribution,
    readonly sloMs: number,
  ) {
    this.cdfS = service.kind === "lognormal" ? tabulatedCdf(service) : (x: number) => service.cdf(x);
    this.sQ = {
      p50: service.quantile(0.5),
      p90: service.quantile(0.9),
      p95: service.quantile(0.95),
      p99: service.quantile(0.99),
    };
  }

  /** `weight` requests delayed by `delayMs` before their service time. Hot path: no allocation. */
  record(weight: number, delayMs: number): void {
    if (weight <= 0) return;
    this.weightTotal += weight;
    if (delayMs <= 0) {
      this.zeroWeight += weight;
      this.mZero += weight;
      return;
    }
    this.delaySum += weight * delayMs;
    if (delayMs > this.maxDelay) this.maxDelay = delayMs;
    // Ticks inside one trace interval usually repeat the same delays: merge with a recent equal entry.
    for (let i = this.mN - 1, stop = Math.max(0, this.mN - 2 * WAIT_STRATA - 2); i >= stop; i--) {
      if (this.mD[i] === delayMs) {
        this.mW[i] += weight;
        return;
      }
    }
    if (this.mN === this.mD.length) this.growMinute();
    this.mD[this.mN] = delayMs;
    this.mW[this.mN++] = weight;
  }

  /**
   * `weight` requests: a fraction `pWait` waits an exponential time of mean `waitMeanMs` on top of
   * `baseDelayMs`, the rest only `baseDelayMs` (the M/G/c waiting-time shape).
   */
  recordWithWait(weight: number, baseDelayMs: number, pWait: number, waitMeanMs: number): void {
    if (pWait <= 1e-9 || waitMeanMs <= 0) {
      this.record(weight, baseDelayMs);
      return;
    }
    if (weight <= 0) return;
    // Consecutive ticks with the same delays (same trace interval, same capacity) add to the same entries.
    if (
      this.lastFirst >= 0 &&
      baseDelayMs === this.lastBase &&
      pWait === this.lastP &&
      waitMeanMs === this.lastWait
    ) {
      const w = (weight * pWait) / WAIT_STRATA;
      const w0 = weight * (1 - pWait);
      this.weightTotal += weight;
      this.delaySum += w0 * baseDelayMs + w * this.lastStrataSum;
      const i = this.lastFirst;
      if (baseDelayMs > 0) this.mW[i] += w0;
      else {
        this.zeroWeight += w0;
        this.mZero += w0;
      }
      const j = baseDelayMs > 0 ? i + 1 : i;
      for (let k = 0; k < WAIT_STRATA; k++) this.mW[j + k] += w;
      return;
    }
    const first = this.mN;
    this.record(weight * (1 - pWait), baseDelayMs);
    const w = (weight * pWait) / WAIT_STRATA;
    let strataSum = 0;
    for (let k = 0; k < WAIT_STRATA; k++) {
      const d = baseDelayMs + waitMeanMs * STRATA_OFFSETS[k];
      strataSum += d;
      this.record(w, d);
    }
    // Reuse only when this call appended exactly its own contiguous entries.
    const expected = first + (baseDelayMs > 0 ? 1 : 0) + WAIT_STRATA;
    if (this.mN === expected) {
      this.lastFirst = first;
      this.lastBase = baseDelayMs;
      this.lastP = pWait;
      this.lastWait = waitMeanMs;
      this.lastStrataSum = strataSum;
    } else this.lastFirst = -1;
  }

  /** Statistics of the minute just ended; resets the minute. */
  endMinute(): LatencyStats {
    // The run's histogram takes the minute's merged entries: a few records per minute, not per tick.
    for (let i = 0; i < this.mN; i++) this.delays.record(this.mD[i], this.mW[i]);
    const count = this.mZero + sum(this.mW, this.mN);
    let stats: LatencyStats;
    if (this.mN === 0) {
      const S = this.service;
      stats = { mean: S.mean, ...this.sQ, max: 0, withinSlo: this.mZero * this.cdfS(this.sloMs), count };
    } else {
      const entries = { zero: this.mZero, d: this.mD, w: this.mW, n: this.mN };
      stats = this.stats(entries, count);
    }
    this.mZero = 0;
    this.mN = 0;
    this.lastFirst = -1;
    return stats;
  }

  /** Statistics of everything recorded. */
  total(): LatencyStats {
    this.flushMinute();
    const d: number[] = [];
    const w: number[] = [];
    this.delays.forEachBucket((_lo, _hi, rep, weight) => {
      d.push(rep);
      w.push(weight);
    });
    const entries = { zero: this.zeroWeight, d: Float64Array.from(d), w: Float64Array.from(w), n: d.length };
    const s = this.stats(entries, this.weightTotal, 1e-7);
    // The mean is exact: E[D] + E[S].
    s.mean = this.weightTotal > 0 ? this.service.mean + this.delaySum / this.weightTotal : this.service.mean;
    return s;
  }

  /** Move a partly recorded minute into the run's histogram (a run that ends mid-minute). */
  private flushMinute(): void {
    for (let i = 0; i < this.mN; i++) this.delays.record(this.mD[i], this.mW[i]);
    this.mN = 0;
    this.mZero = 0;
    this.lastFirst = -1;
  }

  private stats(
    e: { zero: number; d: Float64Array; w: Float64Array; n: number },
    count: number,
    tol = 1e-3,
  ): LatencyStats {
    const S = this.service;
    let maxD = 0;
    let meanD = 0;
    const F = this.cdfS;
    let within = e.zero * F(this.sloMs);
    for (let i = 0; i < e.n; i++) {
      if (e.d[i] > maxD) maxD = e.d[i];
      meanD += e.w[i] * e.d[i];
      within += e.w[i] * F(this.sloMs - e.d[i]);
    }
    const cdf = (x: number): number => {
      let f = e.zero * F(x);
      for (let i = 0; i < e.n; i++) f += e.w[i] * F(x - e.d[i]);
      return f / count;
    };
    const q = (p: number, sp: number): number => (count > 0 ? solveQuantile(cdf, p, sp, sp + maxD, tol) : 0);
    // The largest of `count` draws is near the 1 − 1/(2·count) quantile of the mixture.
    const maxQ = count > 1 ? 1 - 1 / (2 * count) : 0.5;
    return {
      mean: count > 0 ? S.mean + meanD / count : 0,
      p50: q(0.5, this.sQ.p50),
      p90: q(0.9, this.sQ.p90),
      p95: q(0.95, this.sQ.p95),
      p99: q(0.99, this.sQ.p99),
      max: count > 0 ? q(maxQ, S.quantile(maxQ)) : 0,
      withinSlo: within,
      count,
    };
  }

  private growMinute(): void {
    const d = new Float64Array(this.mD.length * 2);
    d.set(this.mD);
    const w = new Float64Array(this.mW.length * 2);
    w.set(this.mW);
    this.mD = d;
    this.mW = w;
  }
}

function sum(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  return s;
}

/**
 * Root of cdf(x) = p in [lo, hi] by the Illinois variant of regula falsi (superlinear, always bracketed),
 * to a relative tolerance `tol`.
 */
export function solveQuantile(
  cdf: (x: number) => number,
  p: number,
  lo: number,
  hi: number,
  tol: number,
): number {
  let flo = cdf(lo) - p;
  if (flo >= 0 || hi <= lo) return lo;
  let fhi = cdf(hi) - p;
  if (fhi <= 0) return hi;
  let side = 0;
  for (let it = 0; it < 100; it++) {
    const x = (lo * fhi - hi * flo) / (fhi - flo);
    const fx = cdf(x) - p;
    if (fx < 0) {
      lo = x;
      flo = fx;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = x;
      fhi = fx;
      if (side === 1) flo /= 2;
      side = 1;
    }
    if (hi - lo <= tol * hi || fx === 0) break;
  }
  return hi;
}

const TABLE_SIZE = 4096;

/**
 * A lognormal CDF as a table linear in log x between its 1e-10 and 1 − 1e-10 quantiles: one log and
 * one interpolation per evaluation instead of an erfc. Interpolation error is below 1e-6 in probability.
 */
export function tabulatedCdf(S: ServiceTimeDistribution): (x: number) => number {
  const x0 = S.quantile(1e-10);
  const x1 = S.quantile(1 - 1e-10);
  const l0 = Math.log(x0);
  const step = (Math.log(x1) - l0) / (TABLE_SIZE - 1);
  const inv = 1 / step;
  const table = new Float64Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) table[i] = S.cdf(Math.exp(l0 + i * step));
  return (x: number): number => {
    if (x <= x0) return 0;
    if (x >= x1) return 1;
    const u = (Math.log(x) - l0) * inv;
    const i = u | 0;
    const f = u - i;
    return table[i] + f * (table[i + 1] - table[i]);
  };
}
