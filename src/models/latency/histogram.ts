/**
 * Log-bucketed latency histogram with a guaranteed relative error on quantiles (the DDSketch mapping:
 * C. Masson, J. E. Rim, H. K. Lee, "DDSketch: A Fast and Fully-Mergeable Quantile Sketch with
 * Relative-Error Guarantees", PVLDB 12(12), 2019, https://www.vldb.org/pvldb/vol12/p2195-masson.pdf).
 *
 * Bucket i holds values in (γ^(i−1), γ^i] with γ = (1 + α)/(1 − α), index i = ⌈ln v / ln γ⌉. Its
 * representative 2γ^i/(γ + 1) is within relative error α of every value in the bucket, so any quantile
 * answered from the bucket that holds the exact quantile is within α of it. Values below `minValue`
 * go to a zero bucket (absolute error < minValue there); values above `maxValue` share the top bucket
 * (the bound holds up to maxValue; `max` stays exact). Weights are real numbers, so the fluid model
 * can record expected counts such as 12.37 requests.
 *
 * Quantile definition (shared with the exact reference in the tests): for total weight W, the
 * q-quantile is the smallest recorded value x whose cumulative weight (all values ≤ x) reaches q·W;
 * q = 0 gives the minimum. The answer is clamped to the exact [min, max].
 */

/** Default relative accuracy α of quantiles: 1%. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;
/** Default smallest value resolved with relative accuracy, ms (10 µs). */
export const DEFAULT_MIN_VALUE_MS = 0.01;
/** Default largest value resolved with relative accuracy, ms (about 2.8 h). */
export const DEFAULT_MAX_VALUE_MS = 1e7;

export interface LogHistogramOptions {
  /** Relative accuracy α in (0, 1) of every quantile within [minValue, maxValue]. */
  relativeAccuracy?: number;
  /** Values below this (ms, > 0) are counted in the zero bucket. */
  minValue?: number;
  /** Values above this (ms) share the top bucket. */
  maxValue?: number;
}

/** Compact, sparse serialisation: bucket indices are γ-exponents, so shards with equal options merge. */
export interface LogHistogramJSON {
  relativeAccuracy: number;
  minValue: number;
  maxValue: number;
  /** Total weight, including the zero bucket. */
  count: number;
  /** Σ value·weight (for the exact mean). */
  sum: number;
  /** Exact extremes; absent when empty. */
  min?: number;
  max?: number;
  /** Weight of values below minValue. */
  zero: number;
  /** Non-empty bucket indices i (bucket (γ^(i−1), γ^i]), ascending, delta-encoded: first absolute. */
  index: number[];
  /** Weights aligned with `index`. */
  weight: number[];
}

/** Visitor for non-empty buckets; the zero bucket is reported as (0, minValue] with representative 0. */
export type BucketVisitor = (
  lowerBound: number,
  upperBound: number,
  representative: number,
  weight: number,
) => void;

export class LogHistogram {
  readonly relativeAccuracy: number;
  readonly minValue: number;
  readonly maxValue: number;
  /** γ = (1 + α)/(1 − α). */
  readonly gamma: number;
  private readonly invLnGamma: number;
  /** γ-exponent of bucket 0 of `counts`. */
  private readonly offset: number;
  private readonly counts: Float64Array;
  private zeroWeight = 0;
  private total = 0;
  private sumValues = 0;
  private minSeen = Number.POSITIVE_INFINITY;
  private maxSeen = Number.NEGATIVE_INFINITY;
  /** Lowest and highest non-empty slot of `counts` (lo > hi when none). */
  private lo: number;
  private hi = -1;

  constructor(options: LogHistogramOptions = {}) {
    const alpha = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
    const minValue = options.minValue ?? DEFAULT_MIN_VALUE_MS;
    const maxValue = options.maxValue ?? DEFAULT_MAX_VALUE_MS;
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`);
    if (!(minValue > 0 && maxValue > minValue && Number.isFinite(maxValue))) {
      throw new RangeError(`need 0 < minValue < maxValue < ∞, got ${minValue}, ${maxValue}`);
    }
    this.relativeAccuracy = alpha;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.invLnGamma = 1 / Math.log(this.gamma);
    this.offset = Math.ceil(Math.log(minValue) * this.invLnGamma);
    const top = Math.ceil(Math.log(maxValue) * this.invLnGamma);
    this.counts = new Float64Array(top - this.offset + 1);
    this.lo = this.counts.length;
  }

  /** Number of buckets (excluding the zero bucket); memory is 8 bytes each. */
  get bucketCount(): number {
    return this.counts.length;
  }

  /** Record `value` (ms) with `weight` (default 1; fractional allowed). O(1), no allocation. */
  record(value: number, weight = 1): void {
    if (!(weight > 0)) {
      if (weight === 0) return;
      throw new RangeError(`weight must be ≥ 0, got ${weight}`);
    }
    if (!(value >= 0)) throw new RangeError(`value must be ≥ 0, got ${value}`);
    this.total += weight;
    this.sumValues += value * weight;
    if (value < this.minSeen) this.minSeen = value;
    if (value > this.maxSeen) this.maxSeen = value;
    if (value < this.minValue) {
      this.zeroWeight += weight;
      return;
    }
    let slot = Math.ceil(Math.log(value) * this.invLnGamma) - this.offset;
    // Rounding of the logarithm can push a value at a bucket edge one slot out; either neighbour's
    // representative is still within α of it.
    if (slot < 0) slot = 0;
    else if (slot >= this.counts.length) slot = this.counts.length - 1;
    this.counts[slot] += weight;
    if (slot < this.lo) this.lo = slot;
    if (slot > this.hi) this.hi = slot;
  }

  /** Record each of `values` with the same `weight`. */
  recordN(values: ArrayLike<number>, weight = 1): void {
    for (let i = 0; i < values.length; i++) this.record(values[i], weight);
  }

  /** Add another histogram's contents; both must have the same options. */
  merge(other: LogHistogram): this {
    this.assertCompatible(other);
    for (let i = other.lo; i <= other.hi; i++) {
      const w = other.counts[i];
      if (w !== 0) this.counts[i] += w;
    }
    if (other.hi >= 0) {
      if (other.lo < this.lo) this.lo = other.lo;
      if (other.hi > this.hi) this.hi = other.hi;
    }
    this.zeroWeight += other.zeroWeight;
    this.total += other.total;
    this.sumValues += other.sumValues;
    if (other.minSeen < this.minSeen) this.minSeen = other.minSeen;
    if (other.maxSeen > this.maxSeen) this.maxSeen = other.maxSeen;
    return this;
  }

  /** Total recorded weight. */
  get count(): number {
    return this.total;
  }
  /** Σ value·weight. */
  get sum(): number {
    return this.sumValues;
  }
  /** Exact weighted mean; NaN when empty. */
  get mean(): number {
    return this.total > 0 ? this.sumValues / this.total : Number.NaN;
  }
  /** Exact minimum; NaN when empty. */
  get min(): number {
    return this.total > 0 ? this.minSeen : Number.NaN;
  }
  /** Exact maximum; NaN when empty. */
  get max(): number {
    return this.total > 0 ? this.maxSeen : Number.NaN;
  }

  /** Representative value of slot `slot`: 2γ^i/(γ + 1), i = slot + offset. */
  private representative(slot: number): number {
    return (2 * this.gamma ** (slot + this.offset)) / (this.gamma + 1);
  }

  /**
   * The q-quantile (q in [0, 1]) within relative error α of the exact one (see the module comment);
   * NaN when empty.
   */
  quantile(q: number): number {
    if (!(this.total > 0)) return Number.NaN;
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (q === 0) return this.minSeen;
    if (q === 1) return this.maxSeen;
    const target = q * this.total;
    let cum = this.zeroWeight;
    let v: number;
    if (cum >= target) {
      v = 0;
    } else {
      let slot = this.hi;
      for (let i = this.lo; i <= this.hi; i++) {
        cum += this.counts[i];
        if (cum >= target) {
          slot = i;
          break;
        }
      }
      v = this.representative(slot);
    }
    return Math.min(Math.max(v, this.minSeen), this.maxSeen);
  }

  /** Approximate fraction of weight above `x` (ms): buckets whose upper bound is ≤ x count as below. */
  fractionAbove(x: number): number {
    if (!(this.total > 0)) return Number.NaN;
    if (x < this.minValue) {
      return x < this.minSeen ? 1 : (this.total - this.zeroWeight) / this.total;
    }
    const edge = Math.ceil(Math.log(x) * this.invLnGamma) - this.offset;
    let above = 0;
    for (let i = this.hi; i >= this.lo && i > edge; i--) above += this.counts[i];
    return above / this.total;
  }

  /** Visit non-empty buckets in ascending order (zero bucket first). No allocation per bucket. */
  forEachBucket(visit: BucketVisitor): void {
    if (this.zeroWeight > 0) visit(0, this.minValue, 0, this.zeroWeight);
    const g = this.gamma;
    for (let i = this.lo; i <= this.hi; i++) {
      const w = this.counts[i];
      if (w === 0) continue;
      const upper = g ** (i + this.offset);
      const lower = upper / g;
      visit(Math.max(lower, this.minValue), upper, (2 * upper) / (g + 1), w);
    }
  }

  /** Empty the histogram, keeping its options and storage. */
  reset(): void {
    if (this.hi >= this.lo) this.counts.fill(0, this.lo, this.hi + 1);
    this.lo = this.counts.length;
    this.hi = -1;
    this.zeroWeight = 0;
    this.total = 0;
    this.sumValues = 0;
    this.minSeen = Number.POSITIVE_INFINITY;
    this.maxSeen = Number.NEGATIVE_INFINITY;
  }

  clone(): LogHistogram {
    const h = new LogHistogram(this.options());
    h.merge(this);
    return h;
  }

  options(): Required<LogHistogramOptions> {
    return { relativeAccuracy: this.relativeAccuracy, minValue: this.minValue, maxValue: this.maxValue };
  }

  toJSON(): LogHistogramJSON {
    const index: number[] = [];
    const weight: number[] = [];
    let prev = 0;
    for (let i = this.lo; i <= this.hi; i++) {
      const w = this.counts[i];
      if (w === 0) continue;
      const abs = i + this.offset;
      index.push(index.length === 0 ? abs : abs - prev);
      weight.push(w);
      prev = abs;
    }
    const out: LogHistogramJSON = {
      relativeAccuracy: this.relativeAccuracy,
      minValue: this.minValue,
      maxValue: this.maxValue,
      count: this.total,
      sum: this.sumValues,
      zero: this.zeroWeight,
      index,
      weight,
    };
    if (this.total > 0) {
      out.min = this.minSeen;
      out.max = this.maxSeen;
    }
    return out;
  }

  static fromJSON(json: LogHistogramJSON): LogHistogram {
    const h = new LogHistogram({
      relativeAccuracy: json.relativeAccuracy,
      minValue: json.minValue,
      maxValue: json.maxValue,
    });
    if (json.index.length !== json.weight.length) throw new RangeError("index and weight lengths differ");
    let abs = 0;
    for (let k = 0; k < json.index.length; k++) {
      abs = k === 0 ? json.index[0] : abs + json.index[k];
      const slot = abs - h.offset;
      const w = json.weight[k];
      if (!(slot >= 0 && slot < h.counts.length) || !(w > 0)) {
        throw new RangeError(`bucket ${abs} with weight ${w} does not fit these options`);
      }
      h.counts[slot] = w;
      if (slot < h.lo) h.lo = slot;
      if (slot > h.hi) h.hi = slot;
    }
    h.zeroWeight = json.zero;
    h.total = json.count;
    h.sumValues = json.sum;
    if (json.count > 0) {
      h.minSeen = json.min ?? Number.NaN;
      h.maxSeen = json.max ?? Number.NaN;
    }
    return h;
  }

  private assertCompatible(other: LogHistogram): void {
    if (
      other.relativeAccuracy !== this.relativeAccuracy ||
      other.minValue !== this.minValue ||
      other.maxValue !== this.maxValue
    ) {
      throw new RangeError("cannot merge histograms with different relativeAccuracy, minValue or maxValue");
    }
  }
}
