import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateAlarm } from "../../../src/models/aas/alarm.js";
import {
  applyCapacityLimits,
  applyCooldown,
  combinePolicyDecisions,
  type PolicyDecision,
  SCALE_FROM_ZERO_STEP,
  scalingBase,
  TARGET_TRACKING_ALARM_HIGH,
  targetTrackingAlarms,
  targetTrackingCapacity,
  targetTrackingDecision,
} from "../../../src/models/aas/target-tracking.js";

describe("targetTrackingCapacity", () => {
  // aws-semantics.md §1.4 worked numbers.
  it("10 tasks at 75% with target 50 -> 15; 10 tasks at 37.5% -> 8", () => {
    expect(targetTrackingCapacity({ running: 10, metric: 75, target: 50 })).toBe(15);
    expect(targetTrackingCapacity({ running: 10, metric: 37.5, target: 50 })).toBe(8);
  });

  // W15: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
  it("W15: when 1.5 tasks are needed it adds 2; when removing 1.5 is indicated it removes 1", () => {
    expect(targetTrackingCapacity({ running: 10, metric: 57.5, target: 50 }) - 10).toBe(2);
    expect(10 - targetTrackingCapacity({ running: 10, metric: 42.5, target: 50 })).toBe(1);
  });

  it("floating-point noise does not add a task (10 × (0.1 × 3) / 0.3)", () => {
    expect((10 * (0.1 * 3)) / 0.3).toBeGreaterThan(10);
    expect(targetTrackingCapacity({ running: 10, metric: 0.1 * 3, target: 0.3 })).toBe(10);
  });

  it("never adds too little nor removes too much, and never rounds by a whole task", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        (running, metric, target) => {
          const raw = (running * metric) / target;
          const c = targetTrackingCapacity({ running, metric, target });
          expect(Number.isInteger(c)).toBe(true);
          expect(c).toBeGreaterThanOrEqual(raw - 1e-6);
          expect(c - raw).toBeLessThan(1);
        },
      ),
    );
  });

  it("rejects a non-positive target", () => {
    expect(() => targetTrackingCapacity({ running: 1, metric: 1, target: 0 })).toThrow(/TargetValue/);
  });
});

describe("alarms of a target-tracking policy", () => {
  // Workshop (observed): target 30 -> "CPUUtilization > 30 for 3 datapoints within 3 minutes" and
  // "< 27 for 15 datapoints within 15 minutes".
  // https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md
  it("target 30: AlarmHigh > 30, 3 of 3 at 60 s; AlarmLow < 27, 15 of 15 at 60 s", () => {
    const { high, low } = targetTrackingAlarms(30);
    expect(high).toMatchObject({
      threshold: 30,
      comparisonOperator: "GreaterThanThreshold",
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    expect(low).toMatchObject({
      comparisonOperator: "LessThanThreshold",
      periodSeconds: 60,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
    });
    expect(low.threshold).toBeCloseTo(27, 10);
  });

  it("high-resolution variants evaluate 20 s datapoints", () => {
    const { high, low } = targetTrackingAlarms(50, { highResolution: true });
    expect([high.periodSeconds, high.evaluationPeriods, high.datapointsToAlarm]).toEqual([20, 3, 3]);
    expect([low.periodSeconds, low.evaluationPeriods * low.periodSeconds]).toEqual([20, 15 * 60]);
  });

  it("overrides replace single fields", () => {
    const { high, low } = targetTrackingAlarms(50, {
      high: { datapointsToAlarm: 1, evaluationPeriods: 1 },
      low: { thresholdFactor: 0.7 },
    });
    expect([high.evaluationPeriods, high.datapointsToAlarm, high.periodSeconds]).toEqual([1, 1, 60]);
    expect(low.threshold).toBeCloseTo(35, 10);
    expect(TARGET_TRACKING_ALARM_HIGH.evaluationPeriods).toBe(3);
  });

  it("AlarmHigh needs three breaching minutes; AlarmLow fifteen", () => {
    const { high, low } = targetTrackingAlarms(50);
    expect(evaluateAlarm(high, [40, 60, 60], "OK")).toBe("OK");
    expect(evaluateAlarm(high, [40, 60, 60, 60], "OK")).toBe("ALARM");
    expect(evaluateAlarm(low, Array(14).fill(40), "OK")).toBe("INSUFFICIENT_DATA");
    expect(evaluateAlarm(low, [50, ...Array(14).fill(40)], "OK")).toBe("OK");
    expect(evaluateAlarm(low, Array(15).fill(44.9), "OK")).toBe("ALARM");
    expect(evaluateAlarm(low, Array(15).fill(45), "OK")).toBe("OK");
  });
});

describe("targetTrackingDecision", () => {
  const base = {
    policy: "cpu",
    desired: 10,
    running: 10,
    metric: 75,
    target: 50,
    highAlarm: "OK" as const,
    lowAlarm: "OK" as const,
  };
  it("AlarmHigh scales out from the running count", () => {
    const d = targetTrackingDecision({ ...base, highAlarm: "ALARM" });
    expect([d.direction, d.capacity]).toEqual(["out", 15]);
    expect(d.reason).toBe("AlarmHigh: ceil(10 running × 75 / 50) = 15");
    // Pending tasks do not count: 8 running of 10 desired.
    const p = targetTrackingDecision({ ...base, running: 8, highAlarm: "ALARM" });
    expect(p.capacity).toBe(12);
    // A proposal not above desired is no action.
    expect(targetTrackingDecision({ ...base, running: 6, highAlarm: "ALARM" }).direction).toBe("none");
  });
  it("AlarmLow scales in unless DisableScaleIn", () => {
    const d = targetTrackingDecision({ ...base, metric: 37.5, lowAlarm: "ALARM" });
    expect([d.direction, d.capacity]).toEqual(["in", 8]);
    const off = targetTrackingDecision({ ...base, metric: 37.5, lowAlarm: "ALARM", disableScaleIn: true });
    expect([off.direction, off.scaleInEnabled]).toEqual(["none", false]);
  });
  it("missing data never scales", () => {
    expect(
      targetTrackingDecision({ ...base, highAlarm: "INSUFFICIENT_DATA", lowAlarm: "INSUFFICIENT_DATA" })
        .direction,
    ).toBe("none");
    expect(targetTrackingDecision({ ...base, metric: null, highAlarm: "ALARM" }).direction).toBe("none");
  });
  it("scale from zero: one datapoint showing demand adds the smallest step", () => {
    const d = targetTrackingDecision({
      ...base,
      desired: 0,
      running: 0,
      metric: 120,
      highAlarm: "INSUFFICIENT_DATA",
    });
    expect([d.direction, d.capacity]).toEqual(["out", SCALE_FROM_ZERO_STEP]);
    expect(targetTrackingDecision({ ...base, desired: 0, running: 0, metric: 0 }).direction).toBe("none");
  });
});

const dec = (
  policy: string,
  direction: PolicyDecision["direction"],
  capacity: number,
  kind: PolicyDecision["kind"] = "targetTracking",
  scaleInEnabled = true,
): PolicyDecision => ({
  policy,
  kind,
  direction,
  capacity,
  scaleInEnabled,
  reason: `${policy} says ${direction}`,
});

describe("combinePolicyDecisions (target-tracking guide: multiple policies)", () => {
  it("scales out if any policy wants to, with the largest capacity", () => {
    const c = combinePolicyDecisions(10, [dec("cpu", "out", 13), dec("mem", "in", 8), dec("alb", "out", 30)]);
    expect([c.direction, c.capacity, c.policy]).toEqual(["out", 30, "alb"]);
  });
  it("scales in only when every scale-in-enabled target-tracking policy agrees; largest capacity wins", () => {
    expect(combinePolicyDecisions(10, [dec("cpu", "in", 7), dec("mem", "none", 10)]).direction).toBe("none");
    const c = combinePolicyDecisions(10, [dec("cpu", "in", 7), dec("mem", "in", 9)]);
    expect([c.direction, c.capacity, c.policy]).toEqual(["in", 9, "mem"]);
  });
  it("policies with DisableScaleIn do not vote", () => {
    const c = combinePolicyDecisions(10, [
      dec("cpu", "in", 7),
      dec("mem", "none", 10, "targetTracking", false),
    ]);
    expect([c.direction, c.capacity]).toEqual(["in", 7]);
  });
  it("a step policy's scale-in is not blocked by a target-tracking policy that is not ready", () => {
    const c = combinePolicyDecisions(10, [dec("cpu", "none", 10), dec("queue", "in", 6, "step")]);
    expect([c.direction, c.capacity, c.policy]).toEqual(["in", 6, "queue"]);
  });
  it("explains a held scale-in", () => {
    expect(combinePolicyDecisions(10, [dec("cpu", "in", 7), dec("mem", "none", 10)]).reason).toBe(
      "scale-in held: mem is not ready to scale in (mem says none)",
    );
  });
});

describe("applyCapacityLimits (ECS service auto scaling considerations)", () => {
  const lim = (current: number, proposed: number, direction: "out" | "in") =>
    applyCapacityLimits({ current, proposed, direction, minCapacity: 3, maxCapacity: 10 }).capacity;
  it("below min: a scale-out raises to min and continues; a scale-in does nothing", () => {
    expect(lim(1, 2, "out")).toBe(3);
    expect(lim(1, 5, "out")).toBe(5);
    expect(lim(1, 0, "in")).toBeNull();
    expect(scalingBase(1, "out", 3, 10)).toBe(3);
  });
  it("above max: a scale-in lowers to max and continues; a scale-out does nothing", () => {
    expect(lim(14, 12, "in")).toBe(10);
    expect(lim(14, 8, "in")).toBe(8);
    expect(lim(14, 20, "out")).toBeNull();
    expect(scalingBase(14, "in", 3, 10)).toBe(10);
  });
  it("inside the bounds proposals are clamped; no change when already at the bound", () => {
    expect(lim(8, 15, "out")).toBe(10);
    expect(lim(10, 15, "out")).toBeNull();
    expect(lim(5, 1, "in")).toBe(3);
    expect(lim(3, 1, "in")).toBeNull();
  });
  it("never leaves [min, max] once inside, for any proposal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 0, max: 50 }), (current, proposed) => {
        const direction = proposed > current ? "out" : "in";
        const c = lim(current, proposed, direction);
        if (c !== null) {
          expect(c).toBeGreaterThanOrEqual(3);
          expect(c).toBeLessThanOrEqual(10);
        }
      }),
    );
  });
});

describe("applyCooldown (TargetTrackingScalingPolicyConfiguration cooldown rules)", () => {
  it("during a scale-out cooldown only a larger capacity is set", () => {
    const r = applyCooldown({ current: 15, proposed: 18, now: 100, scaleOutCooldownEndsAt: 300 });
    expect([r.capacity, r.direction]).toEqual([18, "out"]);
    expect(
      applyCooldown({ current: 15, proposed: 15, now: 100, scaleOutCooldownEndsAt: 300 }).capacity,
    ).toBeNull();
  });
  it("scale-in is blocked during the scale-in cooldown and allowed when it ends", () => {
    expect(
      applyCooldown({ current: 10, proposed: 8, now: 299, scaleInCooldownEndsAt: 300 }).capacity,
    ).toBeNull();
    expect(applyCooldown({ current: 10, proposed: 8, now: 300, scaleInCooldownEndsAt: 300 }).capacity).toBe(
      8,
    );
  });
  it("a scale-out during a scale-in cooldown happens at once and cancels it", () => {
    const r = applyCooldown({ current: 8, proposed: 12, now: 100, scaleInCooldownEndsAt: 300 });
    expect([r.capacity, r.cancelsScaleInCooldown]).toEqual([12, true]);
  });
  it("scale-in is not blocked by a scale-out cooldown", () => {
    expect(applyCooldown({ current: 10, proposed: 8, now: 100, scaleOutCooldownEndsAt: 300 }).capacity).toBe(
      8,
    );
  });
});
