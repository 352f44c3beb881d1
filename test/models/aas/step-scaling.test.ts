import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregate,
  percentChange,
  roundPercentChange,
  type StepAdjustment,
  type StepCooldownState,
  selectStepAdjustment,
  stepCapacity,
  stepContains,
  stepCooldownAfter,
  stepPolicyDecision,
  validateStepAdjustments,
} from "../../../src/models/aas/step-scaling.js";
import { combinePolicyDecisions } from "../../../src/models/aas/target-tracking.js";

// Source: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
const step = (lo: number | null, hi: number | null, adj: number): StepAdjustment => ({
  metricIntervalLowerBound: lo,
  metricIntervalUpperBound: hi,
  scalingAdjustment: adj,
});
/** "Example: Step adjustments for scale-out policy" (threshold 50, PercentChangeInCapacity). */
const SCALE_OUT = [step(0, 10, 0), step(10, 20, 10), step(20, null, 30)];
/** "Example: Step adjustments for scale-in policy". */
const SCALE_IN = [step(-10, 0, 0), step(-20, -10, -10), step(null, -20, -30)];
const THRESHOLD = 50;

/** Apply whichever policy's alarm breaches (metric above or below the threshold), as in the guide. */
function respond(capacity: number, metric: number): number {
  const steps = metric >= THRESHOLD ? SCALE_OUT : SCALE_IN;
  const i = selectStepAdjustment(steps, THRESHOLD, metric);
  expect(i).toBeGreaterThanOrEqual(0);
  return stepCapacity({
    adjustmentType: "PercentChangeInCapacity",
    scalingAdjustment: steps[i].scalingAdjustment,
    current: capacity,
  });
}

describe("worked examples", () => {
  it("W1: capacity 10, metric 60 -> 11, 70 -> 14, 40 -> 13, 30 -> 10 (step-scaling guide)", () => {
    let c = 10;
    const seen: number[] = [];
    for (const metric of [60, 70, 40, 30]) {
      c = respond(c, metric);
      seen.push(c);
    }
    expect(seen).toEqual([11, 14, 13, 10]);
  });

  it.each([41, 45, 50, 55, 59.9])("W1: metric %d (between 40 and 60) keeps capacity 10", (metric) => {
    expect(respond(10, metric)).toBe(10);
  });

  it("W2: +25% with MinAdjustmentMagnitude 2 at capacity 4 adds 2 (step-scaling guide)", () => {
    expect(
      stepCapacity({
        adjustmentType: "PercentChangeInCapacity",
        scalingAdjustment: 25,
        minAdjustmentMagnitude: 2,
        current: 4,
      }),
    ).toBe(6);
    // Without the minimum, 25% of 4 = 1.
    expect(
      stepCapacity({ adjustmentType: "PercentChangeInCapacity", scalingAdjustment: 25, current: 4 }),
    ).toBe(5);
  });

  it("W3: +2, then a step of +3 during the cooldown adds only 1 (step-scaling guide, Cooldown period)", () => {
    const first = stepPolicyDecision({
      policy: "out",
      adjustmentType: "ChangeInCapacity",
      scalingAdjustment: 2,
      current: 10,
      now: 0,
      cooldown: null,
    });
    expect([first.direction, first.capacity]).toEqual(["out", 12]);
    const cd = stepCooldownAfter(first, 1_000, 300_000);
    expect(cd).toEqual({ endsAt: 301_000, direction: "out", base: 10 });
    const during = {
      policy: "out",
      adjustmentType: "ChangeInCapacity" as const,
      scalingAdjustment: 3,
      current: 12,
      now: 60_000,
      cooldown: cd,
    };
    const second = stepPolicyDecision(during);
    expect([second.direction, second.capacity - 12]).toEqual(["out", 1]);
    // The same +2 again during the cooldown is not larger: nothing happens.
    const again = stepPolicyDecision({ ...during, scalingAdjustment: 2 });
    expect(again.direction).toBe("none");
    // After the cooldown a +2 applies to the current capacity.
    const later = stepPolicyDecision({
      policy: "out",
      adjustmentType: "ChangeInCapacity",
      scalingAdjustment: 2,
      current: 13,
      now: 301_000,
      cooldown: cd,
    });
    expect(later.capacity).toBe(15);
  });

  it("W4: +3 and +200% at capacity 10 -> the larger, 30 (PutScalingPolicy)", () => {
    const a = stepPolicyDecision({
      policy: "plus3",
      adjustmentType: "ChangeInCapacity",
      scalingAdjustment: 3,
      current: 10,
      now: 0,
      cooldown: null,
    });
    const b = stepPolicyDecision({
      policy: "plus200pct",
      adjustmentType: "PercentChangeInCapacity",
      scalingAdjustment: 200,
      current: 10,
      now: 0,
      cooldown: null,
    });
    const combined = combinePolicyDecisions(10, [a, b]);
    expect([combined.direction, combined.capacity, combined.policy]).toEqual(["out", 30, "plus200pct"]);
  });
});

describe("step cooldown: scale-in", () => {
  it("is blocked during the policy's scale-in cooldown and allowed after it", () => {
    const cd: StepCooldownState = { endsAt: 300_000, direction: "in", base: 12 };
    const input = {
      policy: "in",
      adjustmentType: "ChangeInCapacity" as const,
      scalingAdjustment: -1,
      current: 11,
      cooldown: cd,
    };
    expect(stepPolicyDecision({ ...input, now: 299_999 }).direction).toBe("none");
    expect(stepPolicyDecision({ ...input, now: 300_000 }).capacity).toBe(10);
  });
  it("a scale-out step is not blocked by a scale-in cooldown", () => {
    const cd: StepCooldownState = { endsAt: 300_000, direction: "in", base: 12 };
    const d = stepPolicyDecision({
      policy: "o",
      adjustmentType: "ChangeInCapacity",
      scalingAdjustment: 2,
      current: 11,
      now: 1,
      cooldown: cd,
    });
    expect([d.direction, d.capacity]).toEqual(["out", 13]);
  });
});

describe("adjustment types (step-scaling guide, Scaling adjustment types)", () => {
  it.each([
    ["ChangeInCapacity", 5, 3, 8],
    ["ChangeInCapacity", -2, 3, 1],
    ["ExactCapacity", 5, 3, 5],
    ["PercentChangeInCapacity", 10, 10, 11],
    ["ChangeInCapacity", -5, 3, 0],
  ] as const)("%s %d at %d -> %d", (adjustmentType, scalingAdjustment, current, want) => {
    expect(stepCapacity({ adjustmentType, scalingAdjustment, current })).toBe(want);
  });

  it.each([
    [12.7, 12],
    [0.67, 1],
    [-0.58, -1],
    [-6.67, -6],
    [0, 0],
    [1, 1],
    [-1, -1],
    [3, 3],
  ])("rounds a percent change of %d to %d", (x, want) => {
    expect(roundPercentChange(x)).toBe(want);
  });

  it("MinAdjustmentMagnitude also applies to scale-in and leaves a zero change alone", () => {
    expect(percentChange(4, -25, 2)).toBe(-2);
    expect(percentChange(4, 0, 2)).toBe(0);
  });
});

describe("selectStepAdjustment: inclusive/exclusive bounds (step-scaling guide)", () => {
  it.each([
    ["scale-out", 50, 0],
    ["scale-out", 59.99, 0],
    ["scale-out", 60, 1], // above the threshold the lower bound is inclusive
    ["scale-out", 70, 2],
    ["scale-out", 1e9, 2],
    ["scale-out", 49, -1],
    ["scale-in", 40, 1], // below the threshold the upper bound is inclusive
    ["scale-in", 40.01, 0],
    ["scale-in", 30, 2],
    ["scale-in", 30.01, 1],
    ["scale-in", 50, 0], // exactly at the threshold: falls back to the below rule
    ["scale-in", 51, -1],
  ] as const)("%s at %d -> step %d", (name, metric, want) => {
    expect(selectStepAdjustment(name === "scale-out" ? SCALE_OUT : SCALE_IN, THRESHOLD, metric)).toBe(want);
  });
});

describe("validateStepAdjustments (StepAdjustment API reference rules)", () => {
  const fields = (steps: StepAdjustment[], thr?: number) =>
    validateStepAdjustments(steps, thr).map((i) => `${i.index}:${i.field}`);

  it("accepts the guide's examples", () => {
    expect(validateStepAdjustments(SCALE_OUT, THRESHOLD)).toEqual([]);
    expect(validateStepAdjustments(SCALE_IN, THRESHOLD)).toEqual([]);
    expect(validateStepAdjustments([step(null, 0, -1), step(0, null, 1)])).toEqual([]);
  });

  it("reports overlaps and gaps", () => {
    expect(fields([step(0, 10, 0), step(5, null, 1)])).toEqual(["1:MetricIntervalLowerBound"]);
    expect(validateStepAdjustments([step(0, 10, 0), step(5, null, 1)])[0].message).toMatch(/overlaps step 0/);
    const gap = validateStepAdjustments([step(0, 10, 0), step(20, null, 1)], 50);
    expect(gap[0].message).toBe(
      "gap between step 0 (upper bound 10 (metric 60)) and this step (lower bound 20 (metric 70))",
    );
  });

  it("reports two null lower bounds and two null upper bounds", () => {
    expect(fields([step(null, 0, 0), step(null, -10, 1)])).toContain("1:MetricIntervalLowerBound");
    expect(fields([step(0, null, 0), step(10, null, 1)])).toContain("1:MetricIntervalUpperBound");
  });

  it("reports both bounds null, and a lower bound not below the upper bound", () => {
    expect(fields([step(null, null, 1)])).toEqual(["0:MetricIntervalLowerBound"]);
    expect(fields([step(10, 10, 1), step(null, 10, 0), step(10, null, 2)])).toContain(
      "0:MetricIntervalUpperBound",
    );
  });

  it("a negative lower bound needs a null lower bound; a positive upper bound needs a null upper bound", () => {
    expect(validateStepAdjustments([step(-10, 0, -1)])[0].message).toBe(
      "a negative lower bound requires a step adjustment with a null lower bound",
    );
    expect(validateStepAdjustments([step(0, 10, 1)])[0].message).toBe(
      "a positive upper bound requires a step adjustment with a null upper bound",
    );
  });

  it("reports an empty set, non-integer adjustments, negative ExactCapacity, and a set that misses the threshold", () => {
    expect(fields([])).toEqual(["-1:StepAdjustments"]);
    expect(fields([step(0, null, 1.5)])).toEqual(["0:ScalingAdjustment"]);
    expect(validateStepAdjustments([step(0, null, -1)], undefined, "ExactCapacity")[0].field).toBe(
      "ScalingAdjustment",
    );
    expect(validateStepAdjustments([step(10, null, 1)], 50)[0].message).toBe(
      "metric values from 50 up to 60 match no step",
    );
  });
});

describe("aggregate (MetricAggregationType)", () => {
  it.each([
    ["Average", 20],
    ["Minimum", 10],
    ["Maximum", 30],
    [null, 20],
  ] as const)("%s of 10, 20, 30 (and a missing value) is %d", (type, want) => {
    expect(aggregate([10, null, 20, 30], type)).toBe(want);
  });
  it("returns null with no value", () => {
    expect(aggregate([null, Number.NaN])).toBeNull();
  });
});

describe("properties", () => {
  it("percent rounding keeps the sign, never exceeds the raw magnitude when |x| >= 1, and is 1 in size when |x| < 1", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const r = roundPercentChange(x);
        expect(Number.isInteger(r)).toBe(true);
        expect(Math.sign(r)).toBe(Math.sign(x) || 0);
        if (Math.abs(x) >= 1) {
          expect(Math.abs(r)).toBeLessThanOrEqual(Math.abs(x));
          expect(Math.abs(x) - Math.abs(r)).toBeLessThan(1);
        } else if (x !== 0) {
          expect(Math.abs(r)).toBe(1);
        }
      }),
    );
  });

  /** A valid step set covering the whole line: sorted breakpoints, null at both ends. */
  const coveringSteps = fc
    .uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 6 })
    .map((xs) => {
      const b = [...xs].sort((p, q) => p - q);
      const steps: StepAdjustment[] = [step(null, b[0], -1)];
      for (let i = 1; i < b.length; i++) steps.push(step(b[i - 1], b[i], i));
      steps.push(step(b[b.length - 1], null, 99));
      return steps;
    });

  it("random covering sets are valid, and exactly one step contains any metric value", () => {
    fc.assert(
      fc.property(
        coveringSteps,
        fc.integer({ min: -50, max: 50 }),
        fc.oneof(fc.double({ min: -300, max: 300, noNaN: true }), fc.integer({ min: -200, max: 200 })),
        (steps, thr, metric) => {
          expect(validateStepAdjustments(steps, thr)).toEqual([]);
          const above = metric >= thr;
          const hits = steps.filter((s) => stepContains(s, thr, metric, above)).length;
          expect(hits).toBe(1);
          const i = selectStepAdjustment(steps, thr, metric);
          expect(stepContains(steps[i], thr, metric, above)).toBe(true);
        },
      ),
    );
  });

  it("shuffling a valid set keeps it valid and selects the same step", () => {
    fc.assert(
      fc.property(coveringSteps, fc.integer({ min: -150, max: 150 }), (steps, metric) => {
        const reversed = [...steps].reverse();
        expect(validateStepAdjustments(reversed)).toEqual([]);
        expect(reversed[selectStepAdjustment(reversed, 0, metric)]).toBe(
          steps[selectStepAdjustment(steps, 0, metric)],
        );
      }),
    );
  });

  it("removing a middle step of a valid set is reported as a gap", () => {
    fc.assert(
      fc.property(coveringSteps, (steps) => {
        fc.pre(steps.length >= 3);
        const broken = steps.filter((_, i) => i !== 1);
        expect(validateStepAdjustments(broken).some((i) => i.message.startsWith("gap"))).toBe(true);
      }),
    );
  });
});
