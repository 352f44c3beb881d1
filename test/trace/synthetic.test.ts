import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stream } from "../../src/engine/rng.js";
import {
  SYNTHETIC_STREAM,
  type SyntheticSpec,
  cumulativeRequests,
  synthesize,
  syntheticRate,
} from "../../src/trace/synthetic.js";
import { totalRequests } from "../../src/trace/window.js";
import { inputError } from "./helpers.js";

/** Midpoint-rule integral of the instantaneous rate: an independent check of the closed forms. */
function numericIntegral(spec: SyntheticSpec, from: number, to: number, endMs: number, n = 20_000): number {
  const h = (to - from) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += syntheticRate(spec, from + (i + 0.5) * h, endMs);
  return (sum * h) / 1000;
}

const shapes: [string, SyntheticSpec][] = [
  ["constant", { shape: "constant", rate: 12.5 }],
  ["step", { shape: "step", base: 10, to: 40, at: 2_500 }],
  ["ramp", { shape: "ramp", from: 5, to: 45, at: 1_000, over: 6_000 }],
  ["ramp over the whole series", { shape: "ramp", from: 100, to: 0 }],
  ["diurnal", { shape: "diurnal", base: 10, peak: 90, period: 4_000, phase: 700 }],
  ["spike", { shape: "spike", base: 3, peak: 300, at: 3_200, width: 1_500 }],
];

describe("synthesize: shapes", () => {
  it.each(shapes)("%s: each interval holds the integral of the rate", (_name, spec) => {
    const s = synthesize(spec, { durationMs: 10_000, stepMs: 1_000 });
    expect(s.counts.length).toBe(10);
    for (let i = 0; i < 10; i++) {
      expect(s.counts[i]).toBeCloseTo(numericIntegral(spec, i * 1000, (i + 1) * 1000, 10_000), 4);
    }
  });

  it("constant 12.5 req/s over 1 s steps is 12.5 per interval", () => {
    const s = synthesize({ shape: "constant", rate: 12.5 }, { durationMs: 5_000 });
    expect(Array.from(s.counts)).toEqual([12.5, 12.5, 12.5, 12.5, 12.5]);
  });

  it("a step inside an interval is split pro rata", () => {
    const s = synthesize({ shape: "step", base: 10, to: 40, at: 2_500 }, { durationMs: 4_000 });
    expect(Array.from(s.counts)).toEqual([10, 10, 25, 40]);
  });

  it("diurnal has its trough at phase and its peak half a period later", () => {
    const spec: SyntheticSpec = {
      shape: "diurnal",
      base: 10,
      peak: 90,
      period: 86_400_000,
      phase: 3_600_000,
    };
    expect(syntheticRate(spec, 3_600_000, 0)).toBeCloseTo(10, 9);
    expect(syntheticRate(spec, 3_600_000 + 43_200_000, 0)).toBeCloseTo(90, 9);
  });

  it("totals do not depend on the step (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...shapes.map(([, s]) => s)),
        fc.constantFrom(100, 250, 500, 1000, 2000, 5000),
        (spec, stepMs) => {
          const total = totalRequests(synthesize(spec, { durationMs: 20_000, stepMs }));
          expect(total).toBeCloseTo(cumulativeRequests(spec, 20_000, 20_000), 6);
        },
      ),
    );
  });
});

describe("synthesize: randomness", () => {
  const noisy: SyntheticSpec = {
    shape: "diurnal",
    base: 20,
    peak: 200,
    period: 60_000,
    noise: 0.1,
    poisson: true,
  };

  it("same seed gives the same counts; another seed different ones", () => {
    const a = synthesize(noisy, { durationMs: 60_000, seed: 42 });
    const b = synthesize(noisy, { durationMs: 60_000, seed: 42 });
    const c = synthesize(noisy, { durationMs: 60_000, seed: 43 });
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
    expect(Array.from(a.counts)).not.toEqual(Array.from(c.counts));
    expect(a.counts.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  it("draws from the traffic.synthetic stream: one normal then one Poisson per interval", () => {
    const spec: SyntheticSpec = { shape: "constant", rate: 50, noise: 0.05, poisson: true };
    const s = synthesize(spec, { durationMs: 10_000, seed: 7 });
    const rng = stream(7, SYNTHETIC_STREAM);
    for (let i = 0; i < 10; i++) {
      const mean = 50 * Math.max(0, 1 + 0.05 * rng.normal());
      expect(s.counts[i]).toBe(rng.poisson(mean));
    }
  });

  it("relative noise keeps the mean (seeded, 20 000 intervals)", () => {
    const s = synthesize({ shape: "constant", rate: 100, noise: 0.05 }, { durationMs: 20_000_000, seed: 1 });
    expect(totalRequests(s) / s.counts.length).toBeGreaterThan(99.8);
    expect(totalRequests(s) / s.counts.length).toBeLessThan(100.2);
  });
});

describe("synthesize: validation", () => {
  it.each([
    [{ shape: "constant", rate: -1 }, "traffic.synthetic.rate"],
    [{ shape: "step", base: 1, to: 2 }, "traffic.synthetic.at"],
    [{ shape: "spike", base: 1, peak: 2, at: 0, width: 0 }, "traffic.synthetic.width"],
    [{ shape: "diurnal", base: 1, peak: 2, period: 0 }, "traffic.synthetic.period"],
    [{ shape: "sine", base: 1 }, "traffic.synthetic.shape"],
    [{ shape: "constant", rate: 1, noise: -0.1 }, "traffic.synthetic.noise"],
  ])("%j is rejected at %s", async (spec, path) => {
    const e = await inputError(() =>
      synthesize(spec as SyntheticSpec, { durationMs: 1000, path: "traffic.synthetic" }),
    );
    expect(e.location.path).toBe(path);
  });

  it("needs a whole number of steps", async () => {
    const e = await inputError(() => synthesize({ shape: "constant", rate: 1 }, { durationMs: 1500 }));
    expect(e.location.path).toBe("durationMs");
  });
});
