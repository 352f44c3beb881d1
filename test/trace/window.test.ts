import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RateSeries } from "../../src/trace/series.js";
import { rateAt, resample, scale, selectWindow, totalRequests } from "../../src/trace/window.js";
import { inputError } from "./helpers.js";

const T0 = Date.UTC(1998, 3, 30, 21, 30);

function series(counts: number[], stepMs = 60_000, extra: Partial<RateSeries> = {}): RateSeries {
  return { startMs: T0, stepMs, counts: Float64Array.from(counts), source: "test", ...extra };
}

describe("selectWindow", () => {
  it("cuts by absolute start or by offset", () => {
    const s = series([1, 2, 3, 4, 5]);
    expect(Array.from(selectWindow(s, { startMs: T0 + 60_000, durationMs: 120_000 }).counts)).toEqual([2, 3]);
    const w = selectWindow(s, { offsetMs: 180_000 });
    expect(w.startMs).toBe(T0 + 180_000);
    expect(Array.from(w.counts)).toEqual([4, 5]);
  });

  it("says the trace's range when the window falls outside it", async () => {
    const e = await inputError(() =>
      selectWindow(series([1, 2, 3]), { offsetMs: 120_000, durationMs: 120_000, path: "traffic.window" }),
    );
    expect(e.location.path).toBe("traffic.window");
    expect(e.detail).toBe(
      "window 1998-04-30T21:32:00.000Z to 1998-04-30T21:34:00.000Z falls outside the trace, which covers " +
        "1998-04-30T21:30:00.000Z to 1998-04-30T21:33:00.000Z (3 × 60 s)",
    );
  });

  it("rejects a window off the interval grid", async () => {
    const e = await inputError(() =>
      selectWindow(series([1, 2, 3]), { offsetMs: 30_000, durationMs: 60_000 }),
    );
    expect(e.detail).toMatch(/not on the trace's 60 s grid/);
  });

  it("cuts and rebases per-request times", () => {
    const s = series([2, 1, 1], 1000, {
      requestTimesMs: Float64Array.from([100, 900, 1500, 2999]),
      requestServiceMs: Float64Array.from([1, 2, 3, 4]),
    });
    const w = selectWindow(s, { offsetMs: 1000, durationMs: 2000 });
    expect(Array.from(w.requestTimesMs ?? [])).toEqual([500, 1999]);
    expect(Array.from(w.requestServiceMs ?? [])).toEqual([3, 4]);
    expect(Array.from(s.requestTimesMs ?? [])).toEqual([100, 900, 1500, 2999]); // input untouched
  });
});

describe("scale", () => {
  it("multiplies counts and drops per-request columns", () => {
    const s = series([2, 1], 1000, { requestTimesMs: Float64Array.from([1, 2, 1500]) });
    const x = scale(s, 2.5);
    expect(Array.from(x.counts)).toEqual([5, 2.5]);
    expect(x.requestTimesMs).toBeUndefined();
    expect(x.notes?.[0]).toMatch(/per-request times dropped/);
    expect(Array.from(s.counts)).toEqual([2, 1]);
  });

  it("rejects a negative multiplier", async () => {
    expect((await inputError(() => scale(series([1]), -1, "traffic.multiplier"))).location.path).toBe(
      "traffic.multiplier",
    );
  });
});

describe("resample", () => {
  it("finer: spreads each interval uniformly", () => {
    expect(Array.from(resample(series([60, 120]), 20_000).counts)).toEqual([20, 20, 20, 40, 40, 40]);
  });

  it("coarser: sums, with a partial last interval noted", () => {
    const r = resample(series([1, 2, 3, 4, 5]), 120_000);
    expect(Array.from(r.counts)).toEqual([3, 7, 5]);
    expect(r.notes).toContain("last 120 s interval covers only 60 s of trace");
  });

  it("non-integer ratio: shares by overlap", () => {
    expect(Array.from(resample(series([60, 0]), 45_000).counts)).toEqual([45, 15, 0]);
  });

  it("re-bins a request log from its arrival times", () => {
    const s = series([2, 1, 1], 1000, { requestTimesMs: Float64Array.from([100, 900, 1500, 2999]) });
    expect(Array.from(resample(s, 500).counts)).toEqual([1, 1, 0, 1, 0, 1]);
  });

  it("preserves the total for any steps (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 1, max: 300_000 }),
        (counts, fromStep, toStep) => {
          const s = series(counts, fromStep);
          const r = resample(s, toStep);
          const total = totalRequests(s);
          expect(Math.abs(totalRequests(r) - total)).toBeLessThanOrEqual(1e-9 * Math.max(1, total));
          expect(r.counts.length).toBe(Math.ceil((counts.length * fromStep) / toStep));
        },
      ),
    );
  });

  it("round trip finer then coarser restores the counts (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 100 }),
        fc.constantFrom(2, 3, 4, 5, 6, 10, 12, 60),
        (counts, k) => {
          const s = series(counts, 60_000);
          const back = resample(resample(s, 60_000 / k), 60_000);
          for (let i = 0; i < counts.length; i++) expect(back.counts[i]).toBeCloseTo(counts[i], 6);
        },
      ),
    );
  });
});

describe("totalRequests and rateAt", () => {
  it("sums exactly and reads requests per second", () => {
    const s = series([741, 624, 859]);
    expect(totalRequests(s)).toBe(741 + 624 + 859);
    expect(rateAt(s, 0)).toBeCloseTo(741 / 60, 12);
    expect(rateAt(s, 60_000)).toBeCloseTo(624 / 60, 12);
    expect(rateAt(s, 179_999)).toBeCloseTo(859 / 60, 12);
    expect(rateAt(s, 180_000)).toBe(0);
    expect(rateAt(s, -1)).toBe(0);
  });

  it("compensated sum keeps fractional totals accurate", () => {
    const s = series(new Array(100_000).fill(0.1));
    expect(totalRequests(s)).toBeCloseTo(10_000, 9);
  });
});
