import { describe, expect, it } from "vitest";
import { meanCi, studentTCdf, studentTQuantile } from "../../src/sweep/stats.js";

// Critical values of Student's t, NIST/SEMATECH e-Handbook 1.3.6.7.2:
// https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm
describe("Student's t quantiles match the NIST table", () => {
  it.each([
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 5, 2.571],
    [0.975, 10, 2.228],
    [0.975, 30, 2.042],
    [0.975, 100, 1.984],
    [0.95, 5, 2.015],
    [0.95, 20, 1.725],
    [0.995, 3, 5.841],
    [0.99, 15, 2.602],
  ])("t(%s, %s) = %s", (p, df, want) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(want, 3);
  });

  it("is symmetric and inverts the CDF", () => {
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 10);
    expect(studentTCdf(studentTQuantile(0.9, 4), 4)).toBeCloseTo(0.9, 9);
  });
});

describe("meanCi", () => {
  it("computes t·s/√n", () => {
    // mean 5, s = √(10/4) for 3,4,5,6,7; t(0.975, 4) = 2.776
    const c = meanCi([3, 4, 5, 6, 7], 0.95);
    expect(c.mean).toBe(5);
    expect(c.halfWidth).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 2);
  });

  it("has no interval for one value", () => {
    expect(Number.isNaN(meanCi([2]).halfWidth)).toBe(true);
  });
});
