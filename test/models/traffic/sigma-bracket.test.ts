import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { erlangArrivalsSigma } from "../../../src/models/traffic/fluid-latency.js";

/** The plain bisection erlangArrivalsSigma ran before its certified bracket: the reference. */
function bisectionSigma(n: number, lambda: number, mu: number): number {
  const rho = lambda / mu;
  if (rho <= 0) return 0;
  if (rho >= 1) return 1;
  if (n <= 1 + 1e-9) return rho;
  const nl = n * lambda;
  let lo = 0;
  let hi = rho;
  for (let i = 0; i < 60 && hi - lo > 1e-12; i++) {
    const s = 0.5 * (lo + hi);
    if (Math.exp(-n * Math.log1p((mu * (1 - s)) / nl)) > s) lo = s;
    else hi = s;
  }
  return 0.5 * (lo + hi);
}

describe("erlangArrivalsSigma with a certified bracket", () => {
  it("returns the plain bisection's result bit for bit (Object.is) over targets, loads and rates", () => {
    let cases = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 1e-6, max: 1.2, noNaN: true }),
        fc.double({ min: 0.01, max: 5000, noNaN: true }),
        (n, rho, mu) => {
          cases++;
          const lambda = rho * mu;
          expect(Object.is(erlangArrivalsSigma(n, lambda, mu), bisectionSigma(n, lambda, mu))).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
    expect(cases).toBe(20_000);
  });

  it("keeps the edge cases: σ = ρ for Poisson arrivals (n = 1), 0 and 1 at the ends", () => {
    expect(erlangArrivalsSigma(1, 0.5, 1)).toBe(0.5);
    expect(erlangArrivalsSigma(4, 0, 1)).toBe(0);
    expect(erlangArrivalsSigma(4, 1, 1)).toBe(1);
    // Heavy traffic: σ → ρ's neighbourhood of 1, where h is flat near its roots.
    for (const rho of [0.99, 0.999, 0.9999, 1 - 1e-7])
      expect(Object.is(erlangArrivalsSigma(3, rho * 7, 7), bisectionSigma(3, rho * 7, 7))).toBe(true);
  });
});
