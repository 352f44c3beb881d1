import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../../src/engine/time.js";
import { MetricRegistry } from "../../../src/models/aas/metric-registry.js";
import { TargetTrackingRunner } from "../../../src/models/aas/policy-runner.js";
import { ScalingController, targetTrackingAlarmsFor } from "../../../src/models/aas/scaling-controller.js";
import { StepPolicyRunner } from "../../../src/models/aas/step-controller.js";
import type { StepAdjustment } from "../../../src/models/aas/step-scaling.js";
import { policyLines } from "../../helpers/decisions.js";
import { BASE_OPTS, InstantTarget, logSink, newSim, ScriptedMetric } from "./helpers.js";

const step = (lo: number | null, hi: number | null, adj: number): StepAdjustment => ({
  metricIntervalLowerBound: lo,
  metricIntervalUpperBound: hi,
  scalingAdjustment: adj,
});

function ttSpec(
  name: string,
  metric: ScriptedMetric,
  target: number,
  extra: Partial<{ disableScaleIn: boolean; out: number; in: number }> = {},
) {
  return {
    name,
    targetValue: target,
    metric,
    metricName: metric.name,
    scaleOutCooldownMs: (extra.out ?? 300) * SECOND,
    scaleInCooldownMs: (extra.in ?? 300) * SECOND,
    disableScaleIn: extra.disableScaleIn ?? false,
    highResolution: false,
  };
}

function stepRunner(
  name: string,
  metric: ScriptedMetric,
  threshold: number,
  op: "GreaterThanOrEqualToThreshold" | "LessThanThreshold",
  steps: StepAdjustment[],
  cooldownS = 300,
  type: "ChangeInCapacity" | "PercentChangeInCapacity" = "ChangeInCapacity",
) {
  return new StepPolicyRunner({
    name,
    alarm: {
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold,
      comparisonOperator: op,
    },
    metric,
    metricName: metric.name,
    adjustmentType: type,
    steps,
    cooldownMs: cooldownS * SECOND,
  });
}

describe("target tracking in the controller", () => {
  it("a load step at minute 10 scales out when the third breaching datapoint is published (t = 13 min)", () => {
    const sim = newSim();
    const values = [...Array(10).fill(30), ...Array(20).fill(90)];
    const metric = new ScriptedMetric("CPU", values);
    const target = new InstantTarget(sim, 4);
    const { decisions, log } = logSink();
    const c = new ScalingController(
      sim,
      target,
      [ttSpec("cpu60", metric, 60)],
      { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 },
      log,
    );
    c.start();
    sim.run(20 * MINUTE);
    const first = policyLines(decisions).find((d) => d.action === "scale-out")!;
    expect(first.t).toBe(13 * 60);
    // ceil(4 running × 90 / 60) = 6 (W15 rounding: never too little).
    expect(first.to).toBe(6);
    expect(first.inputs?.cpu60).toMatchObject({ alarmHigh: "ALARM" });
  });

  it("DisableScaleIn: the policy never scales in and does not vote against another policy's scale-in (TT guide)", () => {
    const sim = newSim();
    const low = new ScriptedMetric("CPU", Array(40).fill(10));
    const alsoLow = new ScriptedMetric("Mem", Array(40).fill(10));
    const target = new InstantTarget(sim, 10);
    const { decisions, log } = logSink();
    const c = new ScalingController(
      sim,
      target,
      [ttSpec("cpu", low, 60), ttSpec("mem", alsoLow, 60, { disableScaleIn: true })],
      { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 },
      log,
    );
    c.start();
    sim.run(16 * MINUTE);
    const ins = decisions.filter((d) => d.action === "scale-in");
    expect(ins).toHaveLength(1);
    expect(ins[0].policy).toBe("cpu");
    expect(ins[0].t).toBe(15 * 60);
    // ceil(10 × 10 / 60) = 2.
    expect(ins[0].to).toBe(2);
  });

  it("scale-in waits until every policy with scale-in enabled is ready (any out / all in)", () => {
    const sim = newSim();
    const cpu = new ScriptedMetric("CPU", Array(40).fill(10));
    const mem = new ScriptedMetric("Mem", Array(40).fill(58)); // between 0.9 × 60 and 60: neither alarm
    const target = new InstantTarget(sim, 10);
    const { decisions, log } = logSink();
    const c = new ScalingController(
      sim,
      target,
      [ttSpec("cpu", cpu, 60), ttSpec("mem", mem, 60)],
      { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 },
      log,
    );
    c.start();
    sim.run(30 * MINUTE);
    expect(decisions.filter((d) => d.action === "scale-in")).toHaveLength(0);
    const hold = decisions.find((d) => d.action === "hold")!;
    expect(hold.reason).toMatch(/scale-in held: mem is not ready/);
  });

  it("scale from zero: one datapoint showing demand starts one task, then the running count drives it (service-auto-scaling.html)", () => {
    const sim = newSim();
    // An SQS-style backlog published by a queue model: visible at 0 tasks.
    const registry = new MetricRegistry();
    registry.publish({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistics: ["Sum", "Average"],
      series: new ScriptedMetric("q", [0, 0, 500, 500, 500, 500, 500, 500]),
    });
    const metric = registry.customized({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Statistic: "Sum",
    });
    const target = new InstantTarget(sim, 0);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 0, maxCapacity: 10 }, log);
    const spec = { ...ttSpec("queue", new ScriptedMetric("x", []), 100), metric, metricName: "backlog" };
    const { high, low } = targetTrackingAlarmsFor(spec, { ...BASE_OPTS, minCapacity: 0, maxCapacity: 10 });
    c.addPolicy(new TargetTrackingRunner(spec, high, low));
    c.start();
    sim.run(8 * MINUTE);
    const outs = decisions.filter((d) => d.action === "scale-out");
    expect(outs[0]).toMatchObject({ t: 180, from: 0, to: 1 });
  });
});

describe("step scaling in the controller", () => {
  it("W3 in time: +2 at the first alarm, a +3 step inside the cooldown adds only 1 (step-scaling guide)", () => {
    const sim = newSim();
    // Threshold 50: [0,20) -> +2, [20,inf) -> +3; metric 60 for 3 minutes, then 80.
    const metric = new ScriptedMetric("CPU", [60, 60, 60, 80, 80, 80, 80, 80, 80, 80]);
    const target = new InstantTarget(sim, 4);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 }, log);
    c.addPolicy(
      stepRunner("out", metric, 50, "GreaterThanOrEqualToThreshold", [step(0, 20, 2), step(20, null, 3)]),
    );
    c.start();
    sim.run(10 * MINUTE);
    const outs = decisions.filter((d) => d.action === "scale-out").map((d) => [d.t, d.from, d.to]);
    // t=180: 4 -> 6. t=240: aggregated (60+60+80)/3 < 70 -> +2 from base 4 = 6, nothing; t=300: avg 73.3 -> +3 from 4 = 7 (+1).
    expect(outs[0]).toEqual([180, 4, 6]);
    expect(outs[1]).toEqual([300, 6, 7]);
    // The cooldown (300 s from the +1 at 300 s, same base) ends at 600 s: then the full +3 applies again.
    expect(outs.slice(2)).toEqual([[600, 7, 10]]);
  });

  it("a scale-out ends the scale-in cooldown; scale-in is blocked during it", () => {
    const sim = newSim();
    const cpu = new ScriptedMetric("CPU", [...Array(8).fill(10), ...Array(6).fill(90), ...Array(6).fill(10)]);
    const target = new InstantTarget(sim, 10);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 1, maxCapacity: 20 }, log);
    c.addPolicy(stepRunner("in", cpu, 30, "LessThanThreshold", [step(null, 0, -1)], 600));
    c.addPolicy(stepRunner("out", cpu, 70, "GreaterThanOrEqualToThreshold", [step(0, null, 2)], 60));
    c.start();
    sim.run(20 * MINUTE);
    const acts = decisions
      .filter((d) => d.action === "scale-in" || d.action === "scale-out")
      .map((d) => [d.t, d.policy, d.to]);
    // in at 3 min; blocked until 13 min by its 600-s cooldown; out at 11 min ends it; in again at 17 min.
    expect(acts).toEqual([
      [180, "in", 9],
      [660, "out", 11],
      [720, "out", 13],
      [780, "out", 15],
      [840, "out", 17],
      [1020, "in", 16],
    ]);
  });

  it("W4 in the controller: +3 and +200% at capacity 10 fire together, 30 wins (PutScalingPolicy)", () => {
    const sim = newSim();
    const cpu = new ScriptedMetric("CPU", Array(5).fill(90));
    const target = new InstantTarget(sim, 10);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 1, maxCapacity: 100 }, log);
    c.addPolicy(stepRunner("plus3", cpu, 50, "GreaterThanOrEqualToThreshold", [step(0, null, 3)]));
    c.addPolicy(
      stepRunner(
        "pct200",
        cpu,
        50,
        "GreaterThanOrEqualToThreshold",
        [step(0, null, 200)],
        300,
        "PercentChangeInCapacity",
      ),
    );
    c.start();
    sim.run(3 * MINUTE);
    expect(decisions.find((d) => d.action === "scale-out")).toMatchObject({
      policy: "pct200",
      from: 10,
      to: 30,
    });
  });
});

describe("suspend flags and bounds", () => {
  it("DynamicScalingOutSuspended ignores scale-out and logs why; scale-in still runs", () => {
    const sim = newSim();
    const cpu = new ScriptedMetric("CPU", [...Array(5).fill(90), ...Array(20).fill(10)]);
    const target = new InstantTarget(sim, 5);
    const { decisions, log } = logSink();
    const c = new ScalingController(
      sim,
      target,
      [ttSpec("cpu", cpu, 60)],
      {
        ...BASE_OPTS,
        minCapacity: 1,
        maxCapacity: 20,
        suspendedState: {
          DynamicScalingOutSuspended: true,
          DynamicScalingInSuspended: false,
          ScheduledScalingSuspended: false,
        },
      },
      log,
    );
    c.start();
    sim.run(25 * MINUTE);
    expect(decisions.some((d) => d.action === "scale-out")).toBe(false);
    expect(decisions.find((d) => d.action === "hold")!.reason).toMatch(/DynamicScalingOutSuspended/);
    expect(decisions.find((d) => d.action === "scale-in")!.t).toBe(20 * 60);
  });

  it("scheduled min/max: below the new min raises, above the new max lowers, inside keeps (scheduled-scaling guide)", () => {
    const sim = newSim();
    const target = new InstantTarget(sim, 5);
    const { decisions, log } = logSink();
    const c = new ScalingController(sim, target, [], { ...BASE_OPTS, minCapacity: 1, maxCapacity: 10 }, log);
    c.applyScheduled(0, "a", 8, undefined, "test");
    expect(target.desiredCount).toBe(8);
    c.applyScheduled(0, "b", 1, 3, "test");
    expect(target.desiredCount).toBe(3);
    c.applyScheduled(0, "c", 2, 6, "test");
    expect(target.desiredCount).toBe(3);
    expect(decisions.map((d) => [d.action, d.to, "bounds" in d ? d.bounds?.hit : undefined])).toEqual([
      ["scale-out", 8, "min"],
      ["scale-in", 3, "max"],
      ["set-bounds", 3, null],
    ]);
    c.applyScheduled(0, "bad", 9, undefined, "test");
    expect(decisions.at(-1)!.action).toBe("failed");
  });
});

describe("properties on random metric sequences", () => {
  const metricArb = fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 200 })), {
    minLength: 5,
    maxLength: 60,
  });
  const setup = (a: (number | null)[], b: (number | null)[], min: number, span: number, start: number) => {
    const sim = newSim();
    const m1 = new ScriptedMetric("A", a);
    const m2 = new ScriptedMetric("B", b);
    const max = min + span;
    const target = new InstantTarget(sim, start);
    const { decisions, log } = logSink();
    const c = new ScalingController(
      sim,
      target,
      [ttSpec("ttA", m1, 50, { out: 60, in: 120 }), ttSpec("ttB", m2, 70, { out: 60, in: 120 })],
      { ...BASE_OPTS, minCapacity: min, maxCapacity: max, scaleInDatapoints: 3 },
      log,
    );
    c.addPolicy(
      stepRunner(
        "stepOut",
        m1,
        150,
        "GreaterThanOrEqualToThreshold",
        [step(0, 30, 1), step(30, null, 3)],
        120,
      ),
    );
    c.addPolicy(
      stepRunner("stepIn", m2, 20, "LessThanThreshold", [step(null, 0, -50)], 240, "PercentChangeInCapacity"),
    );
    c.start();
    sim.run(Math.max(a.length, b.length) * MINUTE + MINUTE);
    return { decisions, target, min, max };
  };
  const args = [
    metricArb,
    metricArb,
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 30 }),
  ] as const;

  it("every policy-driven change lands within [min, max]", () => {
    fc.assert(
      fc.property(...args, (a, b, min, span, start) => {
        const { decisions, min: lo, max: hi } = setup(a, b, min, span, start);
        for (const d of decisions) if (d.to !== d.from) expect(d.to >= lo && d.to <= hi).toBe(true);
      }),
    );
  });

  it("no target-tracking scale-in while an enabled target-tracking policy's AlarmLow is not in ALARM", () => {
    fc.assert(
      fc.property(...args, (a, b, min, span, start) => {
        const { decisions } = setup(a, b, min, span, start);
        for (const d of policyLines(decisions)) {
          if (d.action !== "scale-in" || !String(d.policy).startsWith("tt")) continue;
          expect(d.inputs?.ttA).toMatchObject({ alarmLow: "ALARM" });
          expect(d.inputs?.ttB).toMatchObject({ alarmLow: "ALARM" });
        }
      }),
    );
  });

  it("cooldowns: no target-tracking scale-in within ScaleInCooldown of the last scale-in unless a scale-out came between; no step scale-in within its Cooldown", () => {
    fc.assert(
      fc.property(...args, (a, b, min, span, start) => {
        const { decisions } = setup(a, b, min, span, start);
        let lastTtIn = Number.NEGATIVE_INFINITY;
        let lastStepIn = Number.NEGATIVE_INFINITY;
        for (const d of decisions) {
          if (d.action === "scale-out") lastTtIn = lastStepIn = Number.NEGATIVE_INFINITY;
          if (d.action !== "scale-in") continue;
          if (String(d.policy).startsWith("tt")) {
            expect(d.t - lastTtIn).toBeGreaterThanOrEqual(120);
            lastTtIn = d.t;
          } else {
            expect(d.t - lastStepIn).toBeGreaterThanOrEqual(240);
            lastStepIn = d.t;
          }
        }
      }),
    );
  });
});
