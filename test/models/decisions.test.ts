import { describe, expect, it } from "vitest";
import {
  APPLICATION_AUTO_SCALING,
  type Decision,
  type DecisionRecord,
  isApplicationAutoScaling,
  platformDecision,
} from "../../src/models/decisions.js";

describe("the decision log", () => {
  const record = {
    t: 60,
    controller: "hpa" as const,
    action: "scale-up",
    from: 2,
    to: 4,
    reason: "cpu 90 % → 4",
  };

  it("adds the platform's name after what the controller wrote (decisions.jsonl keeps the controller's field order)", () => {
    const d = platformDecision({ ...record, readyPods: 2, metrics: [] }, "web");
    expect(JSON.stringify(d)).toBe(
      '{"t":60,"controller":"hpa","action":"scale-up","from":2,"to":4,"reason":"cpu 90 % → 4","readyPods":2,"metrics":[],"platform":"web"}',
    );
  });

  it("rejects a controller the Decision union does not name", () => {
    // A record read back from JSON is not checked by the compiler: the log checks its controller.
    const untyped = JSON.parse(JSON.stringify({ ...record, controller: "hpa2" })) as DecisionRecord;
    expect(() => platformDecision(untyped, "web")).toThrow(/unknown controller hpa2/);
  });

  it("Application Auto Scaling's decisions are its three controllers' and no other's", () => {
    const of = (controller: string) => platformDecision({ ...record, controller } as DecisionRecord, "svc");
    for (const c of APPLICATION_AUTO_SCALING) expect(isApplicationAutoScaling(of(c))).toBe(true);
    const others = [
      "clusterAutoScaling",
      "cluster-autoscaler",
      "karpenter",
      "hpa",
      "appRunner",
      "eventBridgeScheduler",
    ];
    for (const c of others) expect(isApplicationAutoScaling(of(c))).toBe(false);
  });

  it("has no open fields: a field its controller does not write is a compile error (tsc checks this file)", () => {
    const d: Decision = platformDecision({ ...record, readyPods: 2, metrics: [] }, "web");
    if (d.controller !== "hpa") throw new Error("expected an HPA decision");
    // @ts-expect-error the HPA writes no `inputs` (its metrics are under `metrics`)
    expect(d.inputs).toBeUndefined();
    expect(d.metrics).toEqual([]);
  });

  it("narrows on the controller: a scheduled action's bounds are typed", () => {
    const d: Decision = platformDecision(
      {
        ...record,
        controller: "applicationAutoScaling.scheduled",
        policy: "morning",
        running: 2,
        bounds: { min: 4, max: 8, hit: "min" },
      },
      "svc",
    );
    if (d.controller !== "applicationAutoScaling.scheduled") throw new Error("expected a scheduled action");
    expect(d.bounds?.max).toBe(8);
  });
});
