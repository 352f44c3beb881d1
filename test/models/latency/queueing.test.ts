import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allenCunneenWait,
  ERLANG_EXACT_MAX_SERVERS,
  erlangB,
  erlangC,
  erlangCFast,
  lnFactorial,
  mgcMeanWait,
  mgcProbWait,
  mm1PsMeanResponse,
  mmc,
  poissonCdfPeizerPratt,
} from "../../../src/models/latency/queueing.js";

/** Decimal places printed in a table cell, for toBeCloseTo. */
function places(cell: string): number {
  const dot = cell.indexOf(".");
  return dot < 0 ? 0 : cell.length - dot - 1;
}

function expectPrinted(value: number, cell: string): void {
  expect(value).toBeCloseTo(Number(cell), places(cell));
}

// shared/reference/anchors.md §4.4; cells copied as printed. "" = not given.
const MMC_TABLE: [string, number, number, number, string, string, string, string, string][] = [
  // case, λ, μ, c, C(c,A), Wq, Lq, W, P0
  ["M/M/1 (Ciw docs E[Wq] = 0.3)", 3, 5, 1, "0.6", "0.3", "0.9", "0.5", "0.4"],
  ["M/M/2 (course test report)", 2, 3, 2, "0.166667", "0.041667", "0.083333", "0.375", "0.5"],
  ["M/M/2 (R queueing example 10.9 input)", 5, 10, 2, "0.1", "0.006667", "0.033333", "0.106667", "0.6"],
  ["M/M/4", 2, 3, 4, "0.00507", "0.000507", "0.001014", "0.33384", "0.513308"],
  ["M/M/3 ρ = 0.3", 0.9, 1, 3, "0.070029", "0.033347", "0.030012", "1.033347", "0.403458"],
  ["M/M/25", 20, 1, 25, "0.209103", "0.041821", "0.836411", "1.041821", "0.000000"],
  ["M/M/12", 10, 1, 12, "0.449388", "0.224694", "2.246941", "1.224694", ""],
  ["M/M/110", 100, 1, 110, "0.237008", "0.023701", "2.370075", "1.023701", ""],
  ["M/M/105", 100, 1, 105, "0.515707", "0.103141", "10.314149", "1.103141", ""],
];

describe("M/M/c closed forms: anchors.md §4.4", () => {
  for (const [name, lambda, mu, c, C, wq, lq, w, p0] of MMC_TABLE) {
    it(`${name}: λ=${lambda} μ=${mu} c=${c}`, () => {
      const q = mmc(lambda, mu, c);
      expectPrinted(q.probWait, C);
      expectPrinted(erlangC(c, lambda / mu), C);
      expectPrinted(q.meanWait, wq);
      expectPrinted(q.meanQueueLength, lq);
      expectPrinted(q.meanResponse, w);
      if (p0 !== "") expectPrinted(q.p0, p0);
    });
  }

  it("Erlang B(10 servers, 5 E) = 0.018385 (textbook 1.84%)", () => {
    expectPrinted(erlangB(10, 5), "0.018385");
  });

  it("C(25, 20) is 0.2091, not the 0.261 asserted by PRODYNA/exciting-algorithms erlangc_test.go", () => {
    expectPrinted(erlangC(25, 20), "0.2091");
    expect(Math.abs(erlangC(25, 20) - 0.261)).toBeGreaterThan(0.05);
  });

  // Call-centre rows: A = 10 E, AHT 180 s, answer target 20 s. Rates per second.
  const CALL_CENTRE: [number, string, string, string][] = [
    // c, C, ASA (s), service level (%)
    [11, "0.6821", "122.8", "39.0"],
    [12, "0.4494", "40.4", "64.0"],
    [13, "0.2853", "17.1", "79.6"],
    [14, "0.1741", "7.8", "88.8"],
    // anchors.md prints 94.2%, but 1 − 0.1020·e^(−5·20/180) = 94.145%, which rounds to 94.1.
    [15, "0.1020", "3.7", "94.1"],
  ];
  for (const [c, C, asa, sl] of CALL_CENTRE) {
    it(`call centre A = 10 E, AHT 180 s, c = ${c}: C ${C}, ASA ${asa} s, SL(20 s) ${sl}%`, () => {
      const q = mmc(10 / 180, 1 / 180, c);
      expectPrinted(q.probWait, C);
      expectPrinted(q.meanWait, asa);
      expectPrinted(100 * (1 - q.waitTailProb(20)), sl);
    });
  }
});

describe("M/M/c identities", () => {
  const stable = fc
    .tuple(
      fc.integer({ min: 1, max: 60 }),
      fc.double({ min: 0.01, max: 0.98, noNaN: true }),
      fc.double({ min: 0.1, max: 50, noNaN: true }),
    )
    .map(([c, rho, mu]) => ({ c, mu, lambda: rho * c * mu }));

  it("state probabilities sum to 1 (P0 from the recursion matches the textbook normalisation)", () => {
    fc.assert(
      fc.property(stable, ({ c, mu, lambda }) => {
        const q = mmc(lambda, mu, c);
        const a = lambda / mu;
        let term = 1;
        let s = 1;
        for (let k = 1; k < c; k++) {
          term *= a / k;
          s += term;
        }
        const tail = (term * a) / c / (1 - a / c);
        expect(q.p0 * (s + tail)).toBeCloseTo(1, 9);
      }),
    );
  });

  it("Little's law and W = Wq + 1/μ; waitQuantile inverts waitTailProb", () => {
    fc.assert(
      fc.property(stable, fc.double({ min: 0.001, max: 0.999, noNaN: true }), ({ c, mu, lambda }, p) => {
        const q = mmc(lambda, mu, c);
        expect(q.meanQueueLength).toBeCloseTo(lambda * q.meanWait, 9);
        expect(q.meanResponse).toBeCloseTo(q.meanWait + 1 / mu, 12);
        expect(q.waitTailProb(0)).toBeCloseTo(q.probWait, 15);
        const t = q.waitQuantile(p);
        if (p <= 1 - q.probWait) expect(t).toBe(0);
        else expect(q.waitTailProb(t)).toBeCloseTo(1 - p, 12);
      }),
    );
  });

  it("unstable queues report infinite waits and certain waiting", () => {
    const q = mmc(10, 1, 10);
    expect(q.stable).toBe(false);
    expect(q.probWait).toBe(1);
    expect(q.meanWait).toBe(Number.POSITIVE_INFINITY);
    expect(q.waitQuantile(0.5)).toBe(Number.POSITIVE_INFINITY);
    expect(mgcMeanWait(10, 1, 10, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("no load: no waiting, P0 = 1", () => {
    const q = mmc(0, 1, 3);
    expect(q.probWait).toBe(0);
    expect(q.p0).toBe(1);
    expect(q.meanResponse).toBe(1);
  });

  it("Erlang B matches the direct sum A^c/c! / Σ A^k/k! for small c", () => {
    for (const [c, a] of [
      [1, 0.5],
      [3, 2],
      [7, 6.5],
      [20, 15],
    ]) {
      let term = 1;
      let s = 1;
      for (let k = 1; k <= c; k++) {
        term *= a / k;
        s += term;
      }
      expect(erlangB(c, a)).toBeCloseTo(term / s, 14);
    }
  });
});

describe("M/M/1 processor sharing", () => {
  it("mean response 1/(μ − λ), equal to M/M/1 FCFS (λ = 3, μ = 5 → 0.5)", () => {
    expect(mm1PsMeanResponse(3, 5)).toBe(0.5);
    expect(mm1PsMeanResponse(3, 5)).toBeCloseTo(mmc(3, 5, 1).meanResponse, 15);
    expect(mm1PsMeanResponse(5, 5)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("O(1) Erlang C and M/G/c approximation", () => {
  it("lnFactorial matches the exact log-factorial", () => {
    let exact = 0;
    for (let n = 1; n <= 300; n++) {
      exact += Math.log(n);
      expect(lnFactorial(n)).toBeCloseTo(exact, 10);
    }
    expect(lnFactorial(0)).toBeCloseTo(0, 10);
  });

  it("Peizer–Pratt Poisson CDF: within 2e-3 of the exact sum at k ≤ 5, within 1e-6 where erlangCFast uses it", () => {
    for (const k of [0, 1, 5, 33, 100, 400]) {
      const bound = k > ERLANG_EXACT_MAX_SERVERS ? 1e-6 : 2e-3;
      for (const f of [0.3, 0.5, 0.9, 1, 1.1, 1.5]) {
        const lam = Math.max(0.1, k * f);
        let p = Math.exp(-lam);
        let s = p;
        for (let i = 1; i <= k; i++) {
          p *= lam / i;
          s += p;
        }
        expect(Math.abs(poissonCdfPeizerPratt(k, lam) - s)).toBeLessThan(bound);
      }
    }
  });

  it("erlangCFast is exact up to the threshold and within 1e-5 relative of Erlang C over a grid of c ≤ 5000, ρ ≤ 0.995", () => {
    let maxRel = 0;
    let cases = 0;
    for (let c = 1; c <= 5000; c += c < 40 ? 1 : c < 400 ? 13 : 241) {
      for (let rho = 0.01; rho < 0.996; rho += 0.005) {
        const a = rho * c;
        const exact = erlangC(c, a);
        const fast = erlangCFast(c, a);
        if (c <= ERLANG_EXACT_MAX_SERVERS) expect(fast).toBe(exact);
        if (exact > 1e-300) maxRel = Math.max(maxRel, Math.abs(fast - exact) / exact);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(10000);
    // Measured: 6.9e-7 (c = 33, ρ = 0.75).
    expect(maxRel).toBeLessThan(1e-5);
  });

  it("erlangCFast accepts fractional c between the integer neighbours", () => {
    const lo = erlangC(40, 30);
    const hi = erlangC(41, 30);
    const mid = erlangCFast(40.5, 30);
    expect(mid).toBeLessThan(lo);
    expect(mid).toBeGreaterThan(hi);
  });

  it("Allen–Cunneen is exact for M/M/c (cs² = ca² = 1)", () => {
    for (const [lambda, mu, c] of [
      [3, 5, 1],
      [2, 3, 4],
      [100, 1, 110],
      [900, 1, 950],
    ]) {
      const exact = mmc(lambda, mu, c);
      expect(Math.abs(mgcMeanWait(lambda, mu, c, 1) - exact.meanWait) / exact.meanWait).toBeLessThan(1e-5);
      expect(Math.abs(mgcProbWait(lambda, mu, c) - exact.probWait) / exact.probWait).toBeLessThan(1e-5);
      const p = mgcProbWait(lambda, mu, c);
      expect(allenCunneenWait(p, lambda, mu, c, 1)).toBe(mgcMeanWait(lambda, mu, c, 1));
    }
  });

  it("Allen–Cunneen reduces to Pollaczek–Khinchine for M/G/1: M/D/1 at ρ = 0.5 waits 0.5 service times", () => {
    // P-K: Wq = ρ(1 + cs²) / (2μ(1 − ρ)); M/D/1 (cs² = 0), ρ = 0.5, μ = 1 → 0.5.
    expect(mgcMeanWait(0.5, 1, 1, 0)).toBeCloseTo(0.5, 14);
    // Lognormal service with cs² = 4 at ρ = 0.8, μ = 2: 0.8·5 / (2·2·0.2) = 5.
    expect(mgcMeanWait(1.6, 2, 1, 4)).toBeCloseTo(5, 12);
  });
});
