import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requiredCapacity } from "../../../src/models/aas/predictive.js";
import { loadToScalingFactor } from "../../../src/models/aas/predictive-custom.js";

describe("loadToScalingFactor (customized predictive metrics)", () => {
  it("W13: capacity 10, scaling metric 30, target 60 needs 5 (predictive-scaling-graphs.html): with load = 10 × 30, k = 1", () => {
    const k = loadToScalingFactor([300], [30], [10], 0, 1)!;
    expect(k).toBe(1);
    expect(requiredCapacity(300 * k, 60)).toBe(5);
  });

  it("requests as load, CPU % as scaling metric: k = CPU × tasks per request, and capacity follows the forecast load", () => {
    // 6000 requests a minute on 10 tasks at 30 % CPU: k = 30 × 10 / 6000 = 0.05 (CPU-% × tasks per request).
    const k = loadToScalingFactor([6000, 3000], [30, 15], [10, 10], 0, 2)!;
    expect(k).toBeCloseTo(0.05, 12);
    // Twice the load forecast at target 60: ceil(12 000 × 0.05 / 60) = 10.
    expect(requiredCapacity(12_000 * k, 60)).toBe(10);
  });

  it("skips minutes with a missing metric or no load, and reads only [from, to)", () => {
    expect(loadToScalingFactor([100, null, 0, 200, 999], [10, 50, 50, 20, 1], [5, 5, 5, null, 1], 0, 4)).toBe(
      0.5,
    );
    expect(loadToScalingFactor([100, 100], [10, 40], [10, 10], 1, 2)).toBe(4);
    expect(loadToScalingFactor([null, 0], [1, 1], [1, 1], 0, 2)).toBeNull();
  });

  it("property: a scaling metric exactly inversely proportional to capacity gives back its constant", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 100, noNaN: true }),
        fc.array(
          fc.record({
            load: fc.double({ min: 1, max: 1e6, noNaN: true }),
            cap: fc.integer({ min: 1, max: 500 }),
          }),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        (c, rows) => {
          const k = loadToScalingFactor(
            rows.map((r) => r.load),
            rows.map((r) => (c * r.load) / r.cap),
            rows.map((r) => r.cap),
            0,
            rows.length,
          )!;
          expect(k).toBeCloseTo(c, 6);
        },
      ),
    );
  });
});
