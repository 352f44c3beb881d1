import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RELATIVE_ACCURACY, LogHistogram } from "../../../src/models/latency/histogram.js";

const ALPHA = DEFAULT_RELATIVE_ACCURACY;
/** Slack for the rounding of one logarithm at a bucket edge. */
const EDGE_SLACK = 1e-12;

/** Exact weighted quantile under the histogram's definition: smallest x whose cumulative weight ≥ q·W. */
function exactQuantile(values: number[], weights: number[], q: number): number {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  if (q === 0) return values[idx[0]];
  const total = weights.reduce((s, w) => s + w, 0);
  const target = q * total;
  let cum = 0;
  for (const i of idx) {
    cum += weights[i];
    if (cum >= target) return values[i];
  }
  return values[idx[idx.length - 1]];
}

/** Latencies spread log-uniformly over the resolved range 0.01 ms .. 1e7 ms. */
const latency = fc.double({ min: Math.log(0.01), max: Math.log(1e7), noNaN: true }).map(Math.exp);
/** Weights that are multiples of 1/8, so sums are exact in binary and ties resolve identically. */
const weight = fc.integer({ min: 1, max: 800 }).map((k) => k / 8);
const samples = fc.array(fc.tuple(latency, weight), { minLength: 1, maxLength: 300 });

function fill(pairs: [number, number][]): LogHistogram {
  const h = new LogHistogram();
  for (const [v, w] of pairs) h.record(v, w);
  return h;
}

describe("LogHistogram quantile error bound (α = 1%)", () => {
  it("every quantile is within relative error α of the exact weighted quantile", () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), (pairs, q) => {
        const h = fill(pairs);
        const exact = exactQuantile(
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
          q,
        );
        const got = h.quantile(q);
        expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(ALPHA * (1 + EDGE_SLACK));
      }),
      { numRuns: 500 },
    );
  });

  it("holds at the standard percentiles for a heavy-tailed sample", () => {
    const values: number[] = [];
    let x = 0.3;
    for (let i = 0; i < 5000; i++) {
      x = (x * 9301 + 49297) % 233280; // deterministic spread
      values.push(0.02 * Math.exp((x / 233280) * 16));
    }
    const h = new LogHistogram();
    h.recordN(values);
    const ones = values.map(() => 1);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(values, ones, q);
      expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThanOrEqual(ALPHA);
    }
  });

  it("a tighter α is honoured too", () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), (pairs, q) => {
        const h = new LogHistogram({ relativeAccuracy: 0.001 });
        for (const [v, w] of pairs) h.record(v, w);
        const exact = exactQuantile(
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
          q,
        );
        expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.001 * (1 + EDGE_SLACK));
      }),
      { numRuns: 200 },
    );
  });
});

describe("LogHistogram bookkeeping", () => {
  it("keeps fractional weights: expected counts from the fluid model", () => {
    const h = new LogHistogram();
    h.record(10, 12.37);
    h.record(200, 7.63);
    expect(h.count).toBeCloseTo(20, 12);
    expect(h.mean).toBeCloseTo((10 * 12.37 + 200 * 7.63) / 20, 12);
    // 12.37/20 = 61.85% of the weight is at 10 ms.
    expect(Math.abs(h.quantile(0.6) - 10) / 10).toBeLessThanOrEqual(ALPHA);
    expect(Math.abs(h.quantile(0.62) - 200) / 200).toBeLessThanOrEqual(ALPHA);
  });

  it("mean, min, max and count are exact", () => {
    fc.assert(
      fc.property(samples, (pairs) => {
        const h = fill(pairs);
        const w = pairs.reduce((s, p) => s + p[1], 0);
        const sum = pairs.reduce((s, p) => s + p[0] * p[1], 0);
        expect(h.count).toBe(w);
        expect(h.mean).toBeCloseTo(sum / w, 6);
        expect(h.min).toBe(Math.min(...pairs.map((p) => p[0])));
        expect(h.max).toBe(Math.max(...pairs.map((p) => p[0])));
        expect(h.quantile(0)).toBe(h.min);
        expect(h.quantile(1)).toBe(h.max);
      }),
    );
  });

  it("counts values below minValue in the zero bucket, within minValue absolutely", () => {
    const h = new LogHistogram();
    h.recordN([0, 0.001, 0.005, 5, 5]);
    expect(h.count).toBe(5);
    expect(h.min).toBe(0);
    expect(h.quantile(0.5)).toBeLessThan(h.minValue);
    expect(Math.abs(h.quantile(0.8) - 5) / 5).toBeLessThanOrEqual(ALPHA);
    const zero: number[] = [];
    h.forEachBucket((lo, hi, rep, w) => {
      if (lo === 0) zero.push(hi, rep, w);
    });
    expect(zero).toEqual([h.minValue, 0, 3]);
  });

  it("values above maxValue share the top bucket and max stays exact", () => {
    const h = new LogHistogram({ maxValue: 1000 });
    h.record(5e6);
    h.record(10);
    expect(h.max).toBe(5e6);
    expect(h.quantile(1)).toBe(5e6);
  });

  it("empty histogram answers NaN; zero weight is ignored; bad input throws", () => {
    const h = new LogHistogram();
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.mean).toBeNaN();
    h.record(5, 0);
    expect(h.count).toBe(0);
    expect(() => h.record(5, -1)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(() => h.record(-1)).toThrow(RangeError);
    h.record(1);
    expect(() => h.quantile(1.5)).toThrow(RangeError);
    expect(() => new LogHistogram({ relativeAccuracy: 0 })).toThrow(RangeError);
  });

  it("reset empties and clone is independent", () => {
    const h = fill([
      [1, 1],
      [100, 2],
    ]);
    const c = h.clone();
    h.reset();
    expect(h.count).toBe(0);
    expect(h.toJSON().index).toEqual([]);
    expect(c.count).toBe(3);
    h.record(7);
    expect(h.quantile(0.5)).toBeCloseTo(7, 1);
    expect(c.quantile(0.9)).toBeCloseTo(100, -1);
  });

  it("fractionAbove separates whole buckets", () => {
    const h = new LogHistogram();
    h.recordN([1, 2, 3, 100, 200]);
    expect(h.fractionAbove(50)).toBeCloseTo(0.4, 12);
    expect(h.fractionAbove(1000)).toBe(0);
    expect(h.fractionAbove(0)).toBe(1);
  });
});

describe("LogHistogram buckets, merge and JSON", () => {
  it("forEachBucket: ascending, weights sum to count, each value inside its bucket, representative within α", () => {
    fc.assert(
      fc.property(samples, (pairs) => {
        const h = fill(pairs);
        let total = 0;
        let prevUpper = 0;
        const buckets: [number, number][] = [];
        h.forEachBucket((lo, hi, rep, w) => {
          expect(lo).toBeGreaterThanOrEqual(prevUpper * (1 - 1e-12));
          expect(hi).toBeGreaterThan(lo);
          expect(Math.abs(rep - lo) / lo).toBeLessThanOrEqual(ALPHA * (1 + 1e-9));
          expect(Math.abs(rep - hi) / hi).toBeLessThanOrEqual(ALPHA * (1 + 1e-9));
          prevUpper = hi;
          total += w;
          buckets.push([lo, hi]);
        });
        expect(total).toBe(h.count);
        for (const [v] of pairs) {
          const inside = buckets.some(([lo, hi]) => v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12));
          expect(inside).toBe(true);
        }
      }),
    );
  });

  it("merge(a, b) equals recording both", () => {
    fc.assert(
      fc.property(samples, samples, (a, b) => {
        const merged = fill(a).merge(fill(b));
        const both = fill([...a, ...b]);
        const mj = merged.toJSON();
        const bj = both.toJSON();
        expect(mj.index).toEqual(bj.index);
        expect(mj.weight).toEqual(bj.weight);
        expect(mj.count).toBe(bj.count);
        expect(mj.min).toBe(bj.min);
        expect(mj.max).toBe(bj.max);
        expect(mj.sum).toBeCloseTo(bj.sum, 3);
        for (const q of [0, 0.25, 0.5, 0.9, 0.99, 1]) expect(merged.quantile(q)).toBe(both.quantile(q));
      }),
    );
  });

  it("refuses to merge histograms with different options", () => {
    expect(() => new LogHistogram().merge(new LogHistogram({ relativeAccuracy: 0.02 }))).toThrow(RangeError);
  });

  it("JSON round-trip preserves everything, through text", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(latency, weight), { maxLength: 200 }), (pairs) => {
        const h = fill(pairs);
        const back = LogHistogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
        expect(back.toJSON()).toEqual(h.toJSON());
        for (const q of [0, 0.1, 0.5, 0.95, 1]) {
          if (pairs.length === 0) expect(back.quantile(q)).toBeNaN();
          else expect(back.quantile(q)).toBe(h.quantile(q));
        }
        expect(back.mean).toBe(h.mean);
      }),
    );
  });

  it("JSON is sparse: only non-empty buckets are written", () => {
    const h = new LogHistogram();
    h.record(1);
    h.record(1000);
    const j = h.toJSON();
    expect(j.weight).toEqual([1, 1]);
    // 1 ms is γ^0; the second index is delta-encoded: ⌈ln 1000 / ln γ⌉ = 346 γ-exponents further (α = 1%).
    expect(j.index).toEqual([0, 346]);
    expect(Math.ceil(Math.log(1000) / Math.log(h.gamma))).toBe(346);
  });
});
