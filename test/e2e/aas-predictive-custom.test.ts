import { describe, expect, it } from "vitest";
import type { PredictiveForecastDecision } from "../../src/models/decisions.js";
import { parseScenario } from "../../src/scenario/load.js";
import { forecasts } from "../helpers/decisions.js";
import { decisionsOf, fargateScenario, inputErrorOf } from "./aas-helpers.js";

/**
 * Predictive scaling with CustomizedLoadMetricSpecification / CustomizedScalingMetricSpecification /
 * CustomizedCapacityMetricSpecification on metrics the ECS service publishes.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingMetricSpecification.html
 */
const DIURNAL = "synthetic: { shape: diurnal, base: 10, peak: 150, period: 1d, phase: 6h }";

const pairPolicy = (mode: string) => `
    scalingPolicies:
      - PolicyName: forecast
        PolicyType: PredictiveScaling
        PredictiveScalingPolicyConfiguration:
          Mode: ${mode}
          MetricSpecifications:
            - TargetValue: 50
              PredefinedMetricPairSpecification: { PredefinedMetricType: ECSServiceCPUUtilization }`;

const customPolicy = (mode: string, capacity = true) => `
    scalingPolicies:
      - PolicyName: forecast
        PolicyType: PredictiveScaling
        PredictiveScalingPolicyConfiguration:
          Mode: ${mode}
          MetricSpecifications:
            - TargetValue: 50
              CustomizedLoadMetricSpecification:
                MetricDataQueries:
                  - Id: load
                    MetricStat: { Metric: { Namespace: AWS/ApplicationELB, MetricName: RequestCount }, Stat: Sum }
              CustomizedScalingMetricSpecification:
                MetricDataQueries:
                  - Id: cpu
                    MetricStat: { Metric: { Namespace: AWS/ECS, MetricName: CPUUtilization }, Stat: Average }${
                      capacity
                        ? `
              CustomizedCapacityMetricSpecification:
                MetricDataQueries:
                  - Id: tasks
                    MetricStat: { Metric: { Namespace: ECS/ContainerInsights, MetricName: RunningTaskCount }, Stat: Average }
                    ReturnData: false
                  - Id: capacity
                    Expression: tasks * 1
                    ReturnData: true`
                        : ""
                    }`;

describe("predictive scaling on customized metrics", () => {
  it("requests as load and CPU as scaling metric forecast the same capacities as the ECSServiceCPUUtilization pair", async () => {
    // Up to 60 req/s × 25 ms = 1.5 vCPU on 2 tasks: never saturated, so CPU % × tasks = requests/s × 2.5 and
    // k = 2.5 / 60 = 1/24 (CPU-% × tasks per request a minute).
    const unsaturated = DIURNAL.replace("peak: 150", "peak: 60");
    const pair = forecasts(await decisionsOf(fargateScenario(pairPolicy("ForecastOnly"), unsaturated, "2d")));
    const custom = forecasts(
      await decisionsOf(fargateScenario(customPolicy("ForecastOnly"), unsaturated, "2d")),
    );
    expect(custom.length).toBe(pair.length);
    expect(custom[0].t).toBe(86_400);
    const k = custom[0].inputs.scalingPerLoadPerCapacity;
    expect(k).toBeCloseTo(1 / 24, 4);
    custom.forEach((c, i) => {
      expect(c.inputs.forecastCapacity).toEqual(pair[i].inputs.forecastCapacity);
    });
  });

  it("when the tasks saturate, requests as load still see the demand that CPU (capped at 100 %) hides", async () => {
    // 150 req/s × 25 ms = 3.75 vCPU on 2 tasks of 1 vCPU at the peak.
    const pair = forecasts(await decisionsOf(fargateScenario(pairPolicy("ForecastOnly"), DIURNAL, "2d")));
    const custom = forecasts(await decisionsOf(fargateScenario(customPolicy("ForecastOnly"), DIURNAL, "2d")));
    // A forecast hour without load (null) counts as 0, as Math.max reads null.
    const peak = (d: PredictiveForecastDecision) =>
      Math.max(...(d.inputs.forecastCapacity ?? []).map((c) => c ?? 0));
    // The pair's load (CPU × tasks) is capped at 200: at most ceil(200 / 50) = 4 tasks.
    expect(peak(pair[0])).toBeLessThanOrEqual(4);
    expect(peak(custom[0])).toBeGreaterThan(peak(pair[0]));
  });

  it("ForecastAndScale with the default capacity metric (RunningTaskCount) scales out 300 s before an hour and never in", async () => {
    const d = await decisionsOf(fargateScenario(customPolicy("ForecastAndScale", false), DIURNAL, "2d"));
    const outs = d.filter((x) => x.action === "scale-out");
    expect(outs.length).toBeGreaterThan(0);
    for (const o of outs) {
      expect(o.controller).toBe("applicationAutoScaling.predictive");
      expect((o.t + 300) % 3600).toBe(0);
    }
    expect(d.some((x) => x.action === "scale-in")).toBe(false);
  });

  it("a metric the platform does not publish is bad input naming the customized specification", async () => {
    const text = fargateScenario(
      customPolicy("ForecastOnly").replace("MetricName: RequestCount", "MetricName: Requests"),
      DIURNAL,
      "2d",
    );
    await expect(decisionsOf(text)).rejects.toThrow(
      /scalingPolicies\[0\]\.PredictiveScalingPolicyConfiguration\.MetricSpecifications\[0\]\.CustomizedLoadMetricSpecification: metric AWS\/ApplicationELB Requests is not produced/,
    );
  });

  it.each([
    [
      "a pair beside customized metrics",
      (t: string) =>
        t.replace(
          "- TargetValue: 50",
          "- TargetValue: 50\n              PredefinedMetricPairSpecification: { PredefinedMetricType: ALBRequestCount }",
        ),
      "PredefinedMetricPairSpecification",
      /not both/,
    ],
    [
      "a load metric without a scaling metric",
      (t: string) =>
        t
          .replace("CustomizedScalingMetricSpecification", "CustomizedCapacityMetricSpecification2")
          .replace(/ {14}CustomizedCapacityMetricSpecification2:[\s\S]*$/, ""),
      "CustomizedScalingMetricSpecification",
      /CustomizedLoadMetricSpecification and CustomizedScalingMetricSpecification/,
    ],
  ])("%s is a validation error", (_, edit, field, message) => {
    const text = edit(fargateScenario(customPolicy("ForecastOnly", false), DIURNAL, "2d"));
    const e = inputErrorOf(() => parseScenario(text, "s.yaml"));
    expect(e.location.path).toBe(
      `platforms.svc.scalingPolicies[0].PredictiveScalingPolicyConfiguration.MetricSpecifications[0].${field}`,
    );
    expect(e.detail).toMatch(message);
    expect(e.location.line).toBeGreaterThan(0);
  });
});
