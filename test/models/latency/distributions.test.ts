import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stream } from "../../../src/engine/rng.js";
import { InputError } from "../../../src/errors.js";
import {
  type Empirical,
  erfc,
  type Lognormal,
  makeDistribution,
  normalCdf,
  normalCdfFast,
  normalQuantile,
  type ServiceTimeDistribution,
} from "../../../src/models/latency/distributions.js";

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe("normal CDF and quantile", () => {
  // erfc values: Abramowitz & Stegun Table 7.1 / DLMF 7.2, to the digits double precision holds.
  const ERFC: [number, number][] = [
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047266],
    [3, 2.209049699858544e-5],
    [5, 1.5374597944280349e-12],
  ];
  for (const [x, v] of ERFC) {
    it(`erfc(${x}) = ${v}`, () => {
      expect(rel(erfc(x), v)).toBeLessThan(1e-14);
      expect(erfc(-x)).toBeCloseTo(2 - v, 15);
    });
  }

  // Standard normal quantiles z_p (the familiar 1.645, 1.960, 2.326 ... to full precision).
  const Z: [number, number][] = [
    [0.5, 0],
    [0.8413447460685429, 1],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.999, 3.090232306167813],
    [1e-10, -6.361340902404056],
  ];
  for (const [p, z] of Z) {
    it(`Φ⁻¹(${p}) = ${z} and Φ(${z}) = ${p}`, () => {
      expect(normalQuantile(p)).toBeCloseTo(z, 12);
      if (p > 1e-9) expect(normalCdf(z)).toBeCloseTo(p, 15);
      else expect(rel(normalCdf(z), p)).toBeLessThan(1e-13);
    });
  }

  it("quantile and CDF invert each other, deep lower tail included", () => {
    // Above z ≈ 5 the double nearest 1 − Q(z) no longer pins z down to 1e-8, so the range stops there.
    fc.assert(
      fc.property(fc.double({ min: -37, max: 5, noNaN: true }), (z) => {
        const p = normalCdf(z);
        expect(normalQuantile(p)).toBeCloseTo(z, 8);
      }),
    );
  });

  it("edge probabilities", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it("normalCdfFast stays within its 1.2e-7 relative error (Numerical Recipes erfcc)", () => {
    for (let z = -8; z <= 8; z += 0.01) expect(rel(normalCdfFast(z), normalCdf(z))).toBeLessThan(1.2e-7);
  });
});

/** Raw moments E[X^k], k = 1..4, for the CLT tolerance of the sample mean and second moment. */
type Moments = [number, number, number, number];

function expectSamplesConverge(d: ServiceTimeDistribution, m: Moments, n = 200_000): void {
  const rng = stream(42, `test.${d.kind}`);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = d.sample(rng);
    s1 += x;
    s2 += x * x;
  }
  const mean = s1 / n;
  const m2 = s2 / n;
  // 4 standard errors: sd(mean) = √(Var X / n), sd(second moment) = √((E X⁴ − (E X²)²) / n).
  const seMean = Math.sqrt((m[1] - m[0] * m[0]) / n);
  const seM2 = Math.sqrt((m[3] - m[1] * m[1]) / n);
  expect(Math.abs(mean - m[0])).toBeLessThanOrEqual(4 * seMean + 1e-12 * m[0]);
  expect(Math.abs(m2 - m[1])).toBeLessThanOrEqual(4 * seM2 + 1e-12 * m[1]);
  // And the exposed parameters agree with the moments.
  expect(d.mean).toBeCloseTo(m[0], 9);
  expect(d.variance).toBeCloseTo(m[1] - m[0] * m[0], 6);
  const sampleCv = Math.sqrt(m2 - mean * mean) / mean;
  if (d.cv > 0) expect(Math.abs(sampleCv - d.cv) / d.cv).toBeLessThan(0.05);
  else expect(sampleCv).toBeLessThan(1e-6);
}

describe("sampling converges to the stated mean and CV (seed 42, 200k draws, 4 standard errors)", () => {
  it("deterministic(25 ms)", () => {
    expectSamplesConverge(makeDistribution({ distribution: "deterministic", mean: 25 }), [
      25,
      625,
      25 ** 3,
      25 ** 4,
    ]);
  });

  it("exponential(40 ms): E[X^k] = k!·m^k", () => {
    const m = 40;
    expectSamplesConverge(makeDistribution({ distribution: "exponential", mean: m }), [
      m,
      2 * m ** 2,
      6 * m ** 3,
      24 * m ** 4,
    ]);
  });

  for (const cv of [0.3, 1]) {
    it(`lognormal(mean 120 ms, cv ${cv}): E[X^k] = exp(kμ + k²σ²/2)`, () => {
      const d = makeDistribution({ distribution: "lognormal", mean: 120, cv }) as Lognormal;
      const s2 = Math.log(1 + cv * cv);
      const mu = Math.log(120) - s2 / 2;
      const mom = [1, 2, 3, 4].map((k) => Math.exp(k * mu + (k * k * s2) / 2)) as Moments;
      expect(d.sigma).toBeCloseTo(Math.sqrt(s2), 14);
      expect(d.mu).toBeCloseTo(mu, 14);
      expectSamplesConverge(d, mom);
    });
  }

  it("empirical: resampling reproduces the sample's moments", () => {
    const values = [3, 5, 5, 8, 13, 21, 34, 55];
    const mom = [1, 2, 3, 4].map((k) => values.reduce((s, v) => s + v ** k, 0) / values.length) as Moments;
    expectSamplesConverge(
      makeDistribution({ distribution: "empirical", values: Float64Array.from(values) }),
      mom,
    );
  });

  it("the same seed gives the same draws", () => {
    const d = makeDistribution({ distribution: "lognormal", mean: 50, cv: 2 });
    const a = stream(7, "x");
    const b = stream(7, "x");
    for (let i = 0; i < 100; i++) expect(d.sample(a)).toBe(d.sample(b));
  });
});

describe("cdf and quantile", () => {
  it("exponential: median = m·ln 2, cdf(m) = 1 − 1/e", () => {
    const d = makeDistribution({ distribution: "exponential", mean: 40 });
    expect(d.quantile(0.5)).toBeCloseTo(40 * Math.LN2, 12);
    expect(d.cdf(40)).toBeCloseTo(1 - Math.exp(-1), 15);
    expect(d.quantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("lognormal known quantiles: standard lognormal (μ = 0, σ = 1) has median 1 and p95 = e^1.6448536…", () => {
    // mean e^(1/2) and cv √(e − 1) give μ = 0, σ = 1.
    const d = makeDistribution({ distribution: "lognormal", mean: Math.exp(0.5), cv: Math.sqrt(Math.E - 1) });
    expect(d.quantile(0.5)).toBeCloseTo(1, 12);
    expect(d.quantile(0.95)).toBeCloseTo(Math.exp(1.6448536269514722), 12);
    expect(d.quantile(0.99)).toBeCloseTo(Math.exp(2.3263478740408408), 12);
    expect(d.cdf(1)).toBeCloseTo(0.5, 15);
  });

  it("lognormal(mean 100, cv 1): median = mean/√(1 + cv²)", () => {
    const d = makeDistribution({ distribution: "lognormal", mean: 100, cv: 1 });
    expect(d.quantile(0.5)).toBeCloseTo(100 / Math.SQRT2, 10);
  });

  it("quantile(cdf(x)) ≈ x for the continuous distributions", () => {
    const dists = [
      makeDistribution({ distribution: "exponential", mean: 30 }),
      makeDistribution({ distribution: "lognormal", mean: 80, cv: 0.5 }),
      makeDistribution({ distribution: "lognormal", mean: 80, cv: 3 }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...dists), fc.double({ min: 0.5, max: 500, noNaN: true }), (d, x) => {
        const p = d.cdf(x);
        if (p > 1e-12 && p < 1 - 1e-12) expect(rel(d.quantile(p), x)).toBeLessThan(1e-7);
      }),
    );
  });

  it("empirical: quantile(cdf(x)) = x for every observed x, and the ECDF steps", () => {
    const values = [4, 1, 9, 9, 2, 7];
    const d = makeDistribution({ distribution: "empirical", values }) as Empirical;
    for (const x of values) expect(d.quantile(d.cdf(x))).toBe(x);
    expect(d.cdf(0.5)).toBe(0);
    expect(d.cdf(9)).toBe(1);
    expect(d.cdf(4)).toBeCloseTo(3 / 6, 15);
    expect(d.quantile(0)).toBe(1);
    expect(d.quantile(0.5)).toBe(4);
    expect(d.quantile(1)).toBe(9);
  });

  it("deterministic: a step at the mean", () => {
    const d = makeDistribution({ distribution: "deterministic", mean: 12 });
    expect(d.cdf(11.999)).toBe(0);
    expect(d.cdf(12)).toBe(1);
    expect(d.quantile(0.3)).toBe(12);
    expect(d.cv).toBe(0);
  });

  it("lognormal with cv 0 degenerates to the mean", () => {
    const d = makeDistribution({ distribution: "lognormal", mean: 12, cv: 0 });
    expect(d.quantile(0.9)).toBe(12);
    expect(d.cdf(12)).toBe(1);
    expect(d.sample(stream(1, "a"))).toBeCloseTo(12, 12);
  });
});

describe("makeDistribution input errors", () => {
  const bad: [string, Parameters<typeof makeDistribution>[0], string][] = [
    ["missing mean", { distribution: "exponential" }, "serviceTime.mean"],
    ["negative mean", { distribution: "deterministic", mean: -1 }, "serviceTime.mean"],
    ["lognormal without cv", { distribution: "lognormal", mean: 10 }, "serviceTime.cv"],
    ["empty empirical", { distribution: "empirical", values: [] }, "serviceTime.values"],
    ["NaN in empirical", { distribution: "empirical", values: [1, Number.NaN] }, "serviceTime.values[1]"],
    ["unknown kind", { distribution: "weibull" as "exponential", mean: 1 }, "serviceTime.distribution"],
  ];
  for (const [name, spec, path] of bad) {
    it(`${name} → InputError at ${path}`, () => {
      let err: unknown;
      try {
        makeDistribution(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).location.path).toBe(path);
    });
  }
});
