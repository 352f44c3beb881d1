import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bungeeMetrics,
  elasticityMetrics,
  elasticSpeedup,
  type StepPoint,
} from "../../src/analysis/elasticity.js";

/**
 * Fixtures of BUNGEE's AbstractMetricTest
 * (https://github.com/NikolasHerbst/BUNGEE/blob/master/tools.descartes.bungee/test/tools/descartes/bungee/metric/AbstractMetricTest.java).
 * Java uses `new Date(ms)`; times here are those milliseconds in seconds, so jitter per minute equals
 * the Java expectation `(…)/20.0f * MINUTE_TO_MILLI` exactly.
 */
const ms = (t: number, value: number): StepPoint => ({ t: t / 1000, value });

function complexSeries(): StepPoint[] {
  return [ms(0, 1), ms(2, 2), ms(3, 1), ms(5, 3), ms(9, 7), ms(11, 6), ms(12, 8), ms(14, 2), ms(20, 2)];
}
/** genereateComplexDemandAndSupply: demand 1,5,3,2,4 at 0,7,16,17,19; supply = complex series. */
function complexDemand(): StepPoint[] {
  return [ms(0, 1), ms(7, 5), ms(16, 3), ms(17, 2), ms(19, 4)];
}
const plusOne = (s: StepPoint[]): StepPoint[] => s.map((p) => ({ t: p.t, value: p.value + 1 }));

const FIXTURES: Record<string, () => { demand: StepPoint[]; supply: StepPoint[] }> = {
  testComplexPerfectMatch: () => ({ demand: complexSeries(), supply: complexSeries() }),
  testPermanentOverprovisioning: () => ({ demand: complexSeries(), supply: plusOne(complexSeries()) }),
  testPermanentUnderprovisioning: () => ({ demand: plusOne(complexSeries()), supply: complexSeries() }),
  testMetricEqualDemandSupplyLength: () => ({
    demand: [...complexDemand(), ms(20, 4)],
    supply: complexSeries(),
  }),
  testMetricDifferentDemandSupplyLength: () => ({ demand: complexDemand(), supply: complexSeries() }),
};

// Expected values exactly as asserted in BUNGEE's *Test.java (DOUBLE_PRECISION = 0.000001).
const MINUTE_TO_MILLI = 60_000;
const BUNGEE_EXPECTED: Record<string, Record<string, number>> = {
  "UnderprovisionAccuracyTest (accuracyUnder)": {
    testComplexPerfectMatch: 0,
    testPermanentOverprovisioning: 0,
    testPermanentUnderprovisioning: 1,
    testMetricEqualDemandSupplyLength: 13 / 20,
    testMetricDifferentDemandSupplyLength: 13 / 20,
  },
  "OverprovisionAccuracyTest (accuracyOver)": {
    testComplexPerfectMatch: 0,
    testPermanentOverprovisioning: 1,
    testPermanentUnderprovisioning: 0,
    testMetricEqualDemandSupplyLength: 16 / 20,
    testMetricDifferentDemandSupplyLength: 16 / 20,
  },
  "UnderprovisionTimeshareTest (timeshareUnder)": {
    testComplexPerfectMatch: 0,
    testPermanentOverprovisioning: 0,
    testPermanentUnderprovisioning: 1,
    testMetricEqualDemandSupplyLength: 6 / 20,
    testMetricDifferentDemandSupplyLength: 6 / 20,
  },
  "OverprovisionTimeshareTest (timeshareOver)": {
    testComplexPerfectMatch: 0,
    testPermanentOverprovisioning: 1,
    testPermanentUnderprovisioning: 0,
    testMetricEqualDemandSupplyLength: 8 / 20,
    testMetricDifferentDemandSupplyLength: 8 / 20,
  },
  "JitterTest (jitter)": {
    testComplexPerfectMatch: 0,
    testPermanentOverprovisioning: 0,
    testPermanentUnderprovisioning: 0,
    testMetricEqualDemandSupplyLength: ((17 - 9) / 20) * MINUTE_TO_MILLI,
    testMetricDifferentDemandSupplyLength: ((17 - 9) / 20) * MINUTE_TO_MILLI,
  },
};

describe("BUNGEE golden tests (tools.descartes.bungee/test/.../metric/*Test.java)", () => {
  for (const [javaTest, cases] of Object.entries(BUNGEE_EXPECTED)) {
    const field = /\((\w+)\)/.exec(javaTest)![1] as keyof ReturnType<typeof bungeeMetrics>;
    describe(javaTest, () => {
      for (const [fixture, expected] of Object.entries(cases)) {
        it(`${fixture} → ${expected}`, () => {
          const { demand, supply } = FIXTURES[fixture]();
          const got = bungeeMetrics(demand, supply)[field];
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(0.000001);
        });
      }
    });
  }
});

describe("normalised SPEC form on the BUNGEE fixtures", () => {
  // Segments of the complex fixture where s ≠ d (times in ms, T = 20):
  // under: [7,9) d5 s3, [14,16) d5 s2, [16,17) d3 s2, [19,20) d4 s2
  // over:  [2,3) d1 s2, [5,7) d1 s3, [9,11) d5 s7, [11,12) d5 s6, [12,14) d5 s8
  it("testMetricDifferentDemandSupplyLength: θ, τ as percent of T, divided by demand", () => {
    const { demand, supply } = FIXTURES.testMetricDifferentDemandSupplyLength();
    const m = elasticityMetrics(demand, supply);
    expect(m.normalisation).toBe("demand");
    expect(m.duration).toBeCloseTo(0.02, 15);
    expect(m.accuracyUnder).toBeCloseTo((100 / 20) * ((2 * 2) / 5 + (3 * 2) / 5 + 1 / 3 + 2 / 4), 10);
    expect(m.accuracyOver).toBeCloseTo(
      (100 / 20) * (1 / 1 + (2 * 2) / 1 + (2 * 2) / 5 + 1 / 5 + (3 * 2) / 5),
      10,
    );
    expect(m.timeshareUnder).toBeCloseTo((100 * 6) / 20, 10);
    expect(m.timeshareOver).toBeCloseTo((100 * 8) / 20, 10);
    // 7 supply changes, 4 demand changes over 0.02 s, per minute.
    expect(m.jitter).toBeCloseTo(((7 - 4) / 0.02) * 60, 8);
    // Every union point has only one series changing, so no segment after the first moves together.
    expect(m.instability).toBeCloseTo(100, 10);
  });

  it("perfect match: all zero", () => {
    const { demand, supply } = FIXTURES.testComplexPerfectMatch();
    const m = elasticityMetrics(demand, supply);
    for (const k of [
      "accuracyUnder",
      "accuracyOver",
      "timeshareUnder",
      "timeshareOver",
      "instability",
      "jitter",
    ] as const) {
      expect(m[k]).toBe(0);
    }
  });

  it("permanent over-provisioning by one unit: τ_O = 100%, instability 0 (moves together)", () => {
    const { demand, supply } = FIXTURES.testPermanentOverprovisioning();
    const m = elasticityMetrics(demand, supply);
    expect(m.timeshareOver).toBeCloseTo(100, 12);
    expect(m.timeshareUnder).toBe(0);
    expect(m.instability).toBe(0);
    // Σ (1/d_i)·dt_i over the complex series: d = 1,2,1,3,7,6,8,2 on lengths 2,1,2,4,2,1,2,6.
    const expected = (100 / 20) * (2 / 1 + 1 / 2 + 2 / 1 + 4 / 3 + 2 / 7 + 1 / 6 + 2 / 8 + 6 / 2);
    expect(m.accuracyOver).toBeCloseTo(expected, 10);
  });

  it("normalisation by maximum resources R", () => {
    const { demand, supply } = FIXTURES.testMetricDifferentDemandSupplyLength();
    const m = elasticityMetrics(demand, supply, { normalisation: "maxResources", maxResources: 10 });
    const raw = bungeeMetrics(demand, supply);
    expect(m.accuracyUnder).toBeCloseTo((100 * raw.accuracyUnder) / 10, 10);
    expect(m.accuracyOver).toBeCloseTo((100 * raw.accuracyOver) / 10, 10);
    expect(() => elasticityMetrics(demand, supply, { normalisation: "maxResources" })).toThrow(RangeError);
  });

  it("zero demand divides by ZERO_DEMAND_FLOOR = 1 unit", () => {
    const m = elasticityMetrics(
      [
        { t: 0, value: 0 },
        { t: 10, value: 0 },
      ],
      [
        { t: 0, value: 2 },
        { t: 10, value: 2 },
      ],
    );
    expect(m.accuracyOver).toBe(200);
  });
});

describe("instability on a sampled grid (Ilyushkin et al. sampled form)", () => {
  it("counts intervals where supply and demand did not move in the same direction", () => {
    // Per-minute samples. Demand rises at 1 and 3; supply follows at 2 and 3.
    const t = [0, 60, 120, 180, 240, 300];
    const d = [2, 3, 3, 4, 4, 4];
    const s = [2, 2, 3, 4, 4, 4];
    const m = elasticityMetrics({ t, value: d }, { t, value: s });
    // Intervals 2..5 (after the first): [60,120) Δd+ Δs0 → 1; [120,180) Δd0 Δs+ → 1;
    // [180,240) both + → 0; [240,300) both 0 → 0. Denominator T − t_1 = 240.
    expect(m.instability).toBeCloseTo((100 * 120) / 240, 12);
  });
});

describe("invariants", () => {
  const series = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 12 })), {
      minLength: 1,
      maxLength: 25,
    })
    .map((steps) => {
      let t = 0;
      const out: StepPoint[] = [{ t: 0, value: steps[0][1] }];
      for (const [dt, v] of steps) {
        t += dt;
        out.push({ t, value: v });
      }
      return out;
    });

  it("τ_U + τ_O ≤ 100 and all metrics finite and non-negative (except jitter)", () => {
    fc.assert(
      fc.property(series, series, (d, s) => {
        const m = elasticityMetrics(d, s);
        expect(m.timeshareUnder + m.timeshareOver).toBeLessThanOrEqual(100 + 1e-9);
        for (const v of [m.accuracyUnder, m.accuracyOver, m.timeshareUnder, m.timeshareOver, m.instability]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(v)).toBe(true);
        }
        expect(m.instability).toBeLessThanOrEqual(100 + 1e-9);
      }),
    );
  });

  it("swapping demand and supply swaps under and over (raw form) and negates jitter", () => {
    fc.assert(
      fc.property(series, series, (d, s) => {
        const a = bungeeMetrics(d, s);
        const b = bungeeMetrics(s, d);
        expect(a.accuracyUnder).toBeCloseTo(b.accuracyOver, 9);
        expect(a.timeshareUnder).toBeCloseTo(b.timeshareOver, 9);
        expect(a.jitter).toBeCloseTo(-b.jitter, 9);
      }),
    );
  });

  it("redundant points (repeating the held value) change no accuracy, timeshare or jitter", () => {
    fc.assert(
      fc.property(series, series, fc.double({ min: 0, max: 1, noNaN: true }), (d, s, f) => {
        const end = Math.max(d[d.length - 1].t, s[s.length - 1].t);
        const tx = f * end;
        let k = 0;
        while (k + 1 < s.length && s[k + 1].t <= tx) k++;
        const s2 = [...s.slice(0, k + 1), { t: tx, value: s[k].value }, ...s.slice(k + 1)];
        const a = elasticityMetrics(d, s);
        const b = elasticityMetrics(d, s2);
        for (const key of [
          "accuracyUnder",
          "accuracyOver",
          "timeshareUnder",
          "timeshareOver",
          "jitter",
        ] as const) {
          expect(b[key]).toBeCloseTo(a[key], 9);
        }
      }),
    );
  });

  it("point objects and parallel arrays give the same result", () => {
    fc.assert(
      fc.property(series, series, (d, s) => {
        const asArrays = (p: StepPoint[]) => ({
          t: p.map((x) => x.t),
          value: Float64Array.from(p.map((x) => x.value)),
        });
        expect(elasticityMetrics(asArrays(d), asArrays(s))).toEqual(elasticityMetrics(d, s));
      }),
    );
  });

  it("rejects decreasing times and empty series", () => {
    expect(() =>
      elasticityMetrics(
        [
          { t: 5, value: 1 },
          { t: 1, value: 1 },
        ],
        [{ t: 0, value: 1 }],
      ),
    ).toThrow(RangeError);
    expect(() => elasticityMetrics([], [{ t: 0, value: 1 }])).toThrow(RangeError);
  });

  it("an explicit horizon clips both series", () => {
    const { demand, supply } = FIXTURES.testMetricDifferentDemandSupplyLength();
    // [0, 7 ms): only [2,3) d1 s2 and [5,7) d1 s3 are off, both over-provisioned.
    const m = bungeeMetrics(demand, supply, { start: 0, end: 0.007 });
    expect(m.timeshareOver).toBeCloseTo(3 / 7, 12);
    expect(m.accuracyOver).toBeCloseTo((1 + 4) / 7, 12);
    expect(m.accuracyUnder).toBe(0);
  });
});

describe("elastic speedup (Ilyushkin et al. 2018)", () => {
  const ref = { accuracyUnder: 20, accuracyOver: 40, timeshareUnder: 30, timeshareOver: 50 };
  it("is 1 against itself and 2 when every metric halves", () => {
    expect(elasticSpeedup(ref, ref)).toBe(1);
    const half = { accuracyUnder: 10, accuracyOver: 20, timeshareUnder: 15, timeshareOver: 25 };
    expect(elasticSpeedup(half, ref)).toBeCloseTo(2, 14);
    expect(elasticSpeedup(ref, half)).toBeCloseTo(0.5, 14);
  });

  it("is the geometric mean of the four ratios", () => {
    const k = { accuracyUnder: 10, accuracyOver: 40, timeshareUnder: 30, timeshareOver: 50 };
    expect(elasticSpeedup(k, ref)).toBeCloseTo(2 ** 0.25, 14);
  });

  it("zero metrics: both zero → ratio 1, candidate zero → ∞", () => {
    const z = { ...ref, accuracyUnder: 0, timeshareUnder: 0 };
    expect(elasticSpeedup(z, z)).toBe(1);
    expect(elasticSpeedup(z, ref)).toBe(Number.POSITIVE_INFINITY);
    expect(elasticSpeedup(ref, z)).toBe(0);
  });
});
