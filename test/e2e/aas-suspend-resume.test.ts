import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { decisionsOf, fargateScenario, inputErrorOf, lineOf } from "./aas-helpers.js";

/**
 * Suspending and resuming scaling mid-run (`service.suspendedStateChanges`: RegisterScalableTarget calls
 * with SuspendedState at their times), against what the guide documents for resuming:
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
 */
const TT = `
    scalingPolicies:
      - PolicyName: cpu
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 60
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }`;

const svc = (changes: string, initial = "{ DynamicScalingOutSuspended: true }") => `
      desiredCount: 2
      minCapacity: 2
      maxCapacity: 20
      SuspendedState: ${initial}
      suspendedStateChanges:${changes}`;

describe("resuming dynamic scaling", () => {
  // The load step at 30:00 saturates the 2 tasks (CPU 100 % > 60): AlarmHigh is in ALARM from 33:00.
  it("a resume at 40:30 with AlarmHigh in breach scales out at 40:30, not at the next datapoint (41:00)", async () => {
    const d = await decisionsOf(
      fargateScenario(
        TT,
        undefined,
        "1h",
        svc("\n        - { at: 2430s, SuspendedState: { DynamicScalingOutSuspended: false } }"),
      ),
    );
    const aas = d.filter((x) => x.controller === "applicationAutoScaling");
    expect(aas.find((x) => x.action === "hold" && /DynamicScalingOutSuspended/.test(x.reason))).toMatchObject(
      {
        t: 33 * 60,
      },
    );
    expect(aas.find((x) => x.action === "resume")).toMatchObject({
      t: 2430,
      suspendedState: { DynamicScalingOutSuspended: false },
    });
    expect(aas.find((x) => x.action === "scale-out")).toMatchObject({ t: 2430, from: 2, to: 4 }); // ceil(2 × 100 / 60)
  });

  it("a resume at 25:30, before the load step, adds nothing: the scale-out comes with the third breaching datapoint (33:00)", async () => {
    const d = await decisionsOf(
      fargateScenario(
        TT,
        undefined,
        "1h",
        svc("\n        - { at: 1530s, SuspendedState: { DynamicScalingOutSuspended: false } }"),
      ),
    );
    const outs = d.filter((x) => x.action === "scale-out");
    expect(outs[0].t).toBe(33 * 60);
    // At 25:30 only AlarmLow is in breach (25 % CPU < 54): it is evaluated and held at minCapacity 2.
    const at = d.filter((x) => x.t === 1530);
    expect(at.map((x) => x.action)).toEqual(["resume", "hold"]);
    expect(at[1].reason).toMatch(/min/);
  });

  it("a call naming only DynamicScalingInSuspended leaves scale-out suspended (flags it omits keep their value)", async () => {
    const d = await decisionsOf(
      fargateScenario(
        TT,
        undefined,
        "1h",
        svc("\n        - { at: 10m, SuspendedState: { DynamicScalingInSuspended: true } }"),
      ),
    );
    expect(d.find((x) => x.t === 600)).toMatchObject({
      action: "suspend",
      suspendedState: {
        DynamicScalingInSuspended: true,
        DynamicScalingOutSuspended: true,
        ScheduledScalingSuspended: false,
      },
    });
    expect(d.some((x) => x.action === "scale-out")).toBe(false);
  });

  it("with the assumption scaling.suspendedStateOmittedFlags: reset, the omitted flags resume instead", async () => {
    const text = fargateScenario(
      TT,
      undefined,
      "1h",
      svc("\n        - { at: 10m, SuspendedState: { DynamicScalingInSuspended: true } }"),
    ).replace("platforms:", "assumptions: { scaling.suspendedStateOmittedFlags: reset }\nplatforms:");
    const d = await decisionsOf(text);
    expect(d.find((x) => x.t === 600)).toMatchObject({
      suspendedState: {
        DynamicScalingInSuspended: true,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
    });
    // Scale-out is no longer suspended: the load step at 30:00 scales out at 33:00.
    expect(d.find((x) => x.action === "scale-out")).toMatchObject({ t: 33 * 60 });
  });
});

describe("resuming scheduled scaling", () => {
  const ACTIONS = `
    scheduledActions:
      - ScheduledActionName: up
        Schedule: at(1970-01-01T00:10:00)
        ScalableTargetAction: { MinCapacity: 6 }
      - ScheduledActionName: later
        Schedule: at(1970-01-01T00:50:00)
        ScalableTargetAction: { MinCapacity: 4 }`;

  it("an action due while suspended (10:00) is skipped and not run on resume (30:00); a later one (50:00) runs", async () => {
    const d = await decisionsOf(
      fargateScenario(
        ACTIONS,
        "synthetic: { shape: constant, rate: 10 }",
        "1h",
        svc(
          `
        - { at: 5m, SuspendedState: { ScheduledScalingSuspended: true } }
        - { at: 30m, SuspendedState: { ScheduledScalingSuspended: false } }`,
          "{ ScheduledScalingSuspended: false }",
        ),
      ),
    );
    const rows = d
      .filter((x) => x.controller.startsWith("applicationAutoScaling") && x.action !== "hold")
      .map((x) => [x.t, x.action, x.from, x.to]);
    expect(rows).toEqual([
      [300, "suspend", 2, 2],
      [600, "skip", 2, 2],
      [1800, "resume", 2, 2],
      [3000, "scale-out", 2, 4],
    ]);
    expect(d.find((x) => x.t === 1800)!.reason).toMatch(
      /only scheduled actions whose time has not yet passed will run/,
    );
  });
});

describe("validation", () => {
  it("changes out of time order are an error at their line", () => {
    const text = fargateScenario(
      TT,
      undefined,
      "1h",
      svc(`
        - { at: 20m, SuspendedState: { DynamicScalingOutSuspended: false } }
        - { at: 10m, SuspendedState: { DynamicScalingOutSuspended: true } }`),
    );
    const e = inputErrorOf(() => parseScenario(text, "s.yaml"));
    expect(e.location.path).toBe("platforms.svc.service.suspendedStateChanges[1].at");
    expect(e.location.line).toBe(lineOf(text, "at: 10m"));
    expect(e.detail).toMatch(/increasing order/);
  });

  it("a change without any flag is an error", () => {
    const text = fargateScenario(TT, undefined, "1h", svc("\n        - { at: 20m, SuspendedState: {} }"));
    const e = inputErrorOf(() => parseScenario(text, "s.yaml"));
    expect(e.location.path).toBe("platforms.svc.service.suspendedStateChanges[0].SuspendedState");
    expect(e.detail).toMatch(/at least one suspend flag/);
  });
});
