import { describe, expect, it } from "vitest";
import { SECOND } from "../../../src/engine/time.js";
import { ScalingController } from "../../../src/models/aas/scaling-controller.js";
import { StepPolicyRunner } from "../../../src/models/aas/step-controller.js";
import {
  applySuspendedState,
  scheduleSuspendedStateChanges,
  suspendedStateDiff,
} from "../../../src/models/aas/suspension.js";
import { BASE_OPTS, InstantTarget, logSink, newSim, ScriptedMetric } from "./helpers.js";

const NONE = {
  DynamicScalingInSuspended: false,
  DynamicScalingOutSuspended: false,
  ScheduledScalingSuspended: false,
};
const ALL = {
  DynamicScalingInSuspended: true,
  DynamicScalingOutSuspended: true,
  ScheduledScalingSuspended: true,
};

describe("applySuspendedState / suspendedStateDiff", () => {
  // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
  it.each([
    [
      "the guide's 'only suspend scale-in' call",
      NONE,
      { DynamicScalingInSuspended: true },
      { ...NONE, DynamicScalingInSuspended: true },
      ["DynamicScalingInSuspended"],
      [],
    ],
    [
      "the guide's 'suspend all' call",
      NONE,
      ALL,
      ALL,
      ["DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended"],
      [],
    ],
    [
      "the guide's 'resume all' call",
      ALL,
      NONE,
      NONE,
      [],
      ["DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended"],
    ],
    [
      "an omitted flag keeps its value (assumption)",
      ALL,
      { ScheduledScalingSuspended: false },
      { ...ALL, ScheduledScalingSuspended: false },
      [],
      ["ScheduledScalingSuspended"],
    ],
    [
      "setting a flag to its current value changes nothing",
      ALL,
      { DynamicScalingOutSuspended: true },
      ALL,
      [],
      [],
    ],
  ])("%s", (_, before, patch, after, suspended, resumed) => {
    const next = applySuspendedState(before, patch);
    expect(next).toEqual(after);
    expect(suspendedStateDiff(before, next)).toEqual({ suspended, resumed });
  });
});

describe("resuming dynamic scaling evaluates policies whose alarms are in breach at once", () => {
  // Metric 90 from minute 0 on: a step alarm of 3 of 3 datapoints ≥ 70 is in ALARM from 03:00.
  function run(resumeAtS: number | null, values: number[]) {
    const sim = newSim();
    const target = new InstantTarget(sim, 2);
    const { decisions, log } = logSink();
    const controller = new ScalingController(
      sim,
      target,
      [],
      {
        ...BASE_OPTS,
        minCapacity: 1,
        maxCapacity: 20,
        suspendedState: { ...NONE, DynamicScalingOutSuspended: true },
      },
      log,
    );
    controller.addPolicy(
      new StepPolicyRunner({
        name: "cpu-high",
        alarm: {
          periodSeconds: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          threshold: 70,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
        },
        metric: new ScriptedMetric("cpu", values),
        metricName: "cpu",
        adjustmentType: "ChangeInCapacity",
        steps: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: null, scalingAdjustment: 2 }],
        cooldownMs: 300 * SECOND,
      }),
    );
    controller.start();
    if (resumeAtS !== null)
      scheduleSuspendedStateChanges(
        sim,
        controller,
        [{ atMs: resumeAtS * 1000, flags: { DynamicScalingOutSuspended: false } }],
        30 * 60_000,
      );
    sim.run(12 * 60_000);
    return { decisions, history: target.history };
  }

  it("suspended: the alarm fires every minute from 03:00 and nothing is added", () => {
    const r = run(null, new Array(12).fill(90));
    expect(r.history).toEqual([]);
    expect(r.decisions.find((d) => d.action === "hold")).toMatchObject({ t: 180 });
  });

  it("resumed at 07:30 with the alarm in ALARM: the policy acts at 07:30, not at the next datapoint (08:00)", () => {
    const r = run(450, new Array(12).fill(90));
    expect(r.history[0]).toEqual({ t: 450_000, n: 4 });
    const resume = r.decisions.find((d) => d.action === "resume")!;
    expect(resume.t).toBe(450);
    expect(resume.reason).toMatch(
      /resumed DynamicScalingOutSuspended; policies whose alarms are in breach are evaluated now/,
    );
    expect(r.decisions.find((d) => d.action === "scale-out")).toMatchObject({
      t: 450,
      from: 2,
      to: 4,
      policy: "cpu-high",
    });
  });

  it("resumed at 07:30 with the alarm OK: nothing happens until a breach", () => {
    // Below the threshold until minute 9, then 90: the alarm reaches ALARM with the datapoints of minutes 9-11 at 12:00.
    const values = [...new Array(9).fill(50), 90, 90, 90];
    const r = run(450, values);
    expect(r.history).toEqual([{ t: 720_000, n: 4 }]);
  });
});
