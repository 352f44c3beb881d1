import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketSize, CHART_POINT_CAP, cumulative, downsample } from "../../src/render/downsample.js";
import { paretoFrontier, shortParamNames, sweepMeetsSlo } from "../../src/analysis/pareto.js";
import { parseSweep } from "../../src/analysis/sweep-input.js";

const point = fc.record({
  id: fc.string({ maxLength: 3 }),
  cost: fc.integer({ min: 0, max: 50 }),
  p99: fc.integer({ min: 0, max: 50 }),
});
const dominates = (a: { cost: number; p99: number }, b: { cost: number; p99: number }) =>
  a.cost <= b.cost && a.p99 <= b.p99 && (a.cost < b.cost || a.p99 < b.p99);

describe("paretoFrontier", () => {
  it("keeps exactly the points nothing dominates (one per tie)", () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (pts) => {
        const f = paretoFrontier(pts);
        for (const p of f) expect(pts.some((q) => dominates(q, p))).toBe(false);
        for (const p of pts)
          if (!f.includes(p))
            expect(f.some((q) => dominates(q, p) || (q.cost === p.cost && q.p99 === p.p99))).toBe(true);
        for (let i = 1; i < f.length; i++)
          expect(f[i].cost >= f[i - 1].cost && f[i].p99 < f[i - 1].p99).toBe(true);
      }),
    );
  });
});

describe("downsampling for charts", () => {
  it("never draws more than the cap, and keeps the maximum, the mean and the final cumulative value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 5000 }),
        fc.integer({ min: 1, max: 200 }),
        (xs, cap) => {
          const k = bucketSize(xs.length, cap);
          const max = downsample(xs, k, "max");
          expect(max.length).toBeLessThanOrEqual(cap);
          expect(max.length).toBe(Math.ceil(xs.length / k));
          expect(Math.max(...max)).toBe(Math.max(...xs));
          const mean = downsample(xs, k, "mean");
          for (let b = 0; b < mean.length; b++) expect(mean[b]).toBeLessThanOrEqual(max[b] * (1 + 1e-12));
          const cum = downsample(cumulative(xs), k, "last");
          expect(cum[cum.length - 1]).toBe(cumulative(xs)[xs.length - 1]);
        },
      ),
    );
  });

  it("a 62-day trace of minutes becomes one-hour buckets under the stated cap", () => {
    expect(bucketSize(62 * 1440)).toBe(60);
    expect(Math.ceil((62 * 1440) / 60)).toBeLessThanOrEqual(CHART_POINT_CAP);
  });

  it("skips NaN (minutes without traffic)", () => {
    expect(downsample([Number.NaN, 2, 4, Number.NaN, Number.NaN], 2, "mean")).toEqual([2, 4, Number.NaN]);
  });
});

describe("sweep.json", () => {
  it("reads flat rows as well as rows with summaries", () => {
    const t = parseSweep({
      runs: [
        {
          variant: "a",
          parameters: { "traffic.multiplier": 2 },
          monthlyCostUsd: 10,
          p99Ms: 300,
          meetsSlo: false,
        },
        { id: "b", params: {}, error: { message: "boom" } },
      ],
      recommended: { id: "a" },
    });
    expect(t.rows.map((r) => [r.id, r.monthlyCostUsd, r.p99Ms, r.meetsSlo, r.error])).toEqual([
      ["a", 10, 300, false, undefined],
      ["b", Number.NaN, Number.NaN, undefined, "boom"],
    ]);
    expect(t.recommended).toBe("a");
  });

  it("decides the SLO from what the row says, else requests within, else p99", () => {
    const slo = { latencyMs: 250, percentile: 99 };
    const row = parseSweep([{ id: "x", p99Ms: 200, monthlyCostUsd: 1 }]).rows[0];
    expect(sweepMeetsSlo(row, slo)).toBe(true);
    expect(sweepMeetsSlo({ ...row, requestsWithinSlo: 0.98 }, slo)).toBe(false);
    expect(sweepMeetsSlo({ ...row, requestsWithinSlo: 0.98, meetsSlo: true }, slo)).toBe(true);
  });

  it("shortens parameter paths to their shortest unique suffix", () => {
    expect(
      shortParamNames([
        "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue",
        "platforms.fargate.task.cpu",
        "platforms.ec2.task.cpu",
      ]),
    ).toEqual({
      "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue":
        "TargetValue",
      "platforms.fargate.task.cpu": "fargate.task.cpu",
      "platforms.ec2.task.cpu": "ec2.task.cpu",
    });
  });
});
