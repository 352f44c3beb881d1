/**
 * The whole-run (delay, scale, stratum) histogram of the fluid recorder keeps its bins in an
 * open-addressing table; its entries must be those of a plain Map keyed the same way (the bins' sums in
 * recording order), through the table's growth.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelayScaleHistogram } from "../../../src/models/latency/delay-scale-histogram.js";

const GAMMA = 1.02;

describe("DelayScaleHistogram", () => {
  it("bins like a Map of (delay bin, scale bin, stratum) (property, counted)", () => {
    let cases = 0;
    let records = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            d: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
            k: fc.oneof(fc.constant(1), fc.double({ min: 1, max: 1e3, noNaN: true })),
            j: fc.integer({ min: 0, max: 4 }),
            w: fc.double({ min: 0, max: 100, noNaN: true }),
          }),
          { minLength: 1, maxLength: 3000, size: "max" },
        ),
        (rows) => {
          const h = new DelayScaleHistogram();
          // Reference: the bins by their representative values, as a Map.
          const ref = new Map<string, number>();
          let total = 0;
          for (const { d, k, j, w } of rows) {
            h.record(d, k, j, w);
            records++;
            if (!(w > 0)) continue;
            const di = d < 0.01 ? null : Math.round(Math.log(d) / Math.log(GAMMA));
            const ki = k <= 1 ? 0 : Math.round(Math.log(k) / Math.log(GAMMA));
            const key = `${di}|${ki}|${j}`;
            ref.set(key, (ref.get(key) ?? 0) + w);
            total += w;
          }
          const e = h.entries();
          expect(e.n).toBe(ref.size);
          expect(h.total).toBe(total);
          for (let i = 0; i < e.n; i++) {
            const di = e.d[i] === 0 ? null : Math.round(Math.log(e.d[i]) / Math.log(GAMMA));
            const ki = Math.round(Math.log(e.k[i]) / Math.log(GAMMA));
            expect(e.w[i]).toBe(ref.get(`${di}|${ki}|${e.j[i]}`));
          }
          cases++;
        },
      ),
      { numRuns: 30, seed: 11 },
    );
    expect(cases).toBe(30);
    expect(records).toBeGreaterThan(10_000);
  });
});
