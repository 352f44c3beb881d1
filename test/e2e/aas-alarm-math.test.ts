import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { policyLines } from "../helpers/decisions.js";
import { decisionsOf, fargateScenario, inputErrorOf, lineOf } from "./aas-helpers.js";

/**
 * Step scaling invoked by a CloudWatch alarm on metric math: PutMetricAlarm `Metrics`, a list of queries
 * of which the one with ReturnData true is what the alarm watches.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html
 */
const MATH_ALARM = `
    scalingPolicies:
      - PolicyName: per-task
        PolicyType: StepScaling
        StepScalingPolicyConfiguration:
          AdjustmentType: ChangeInCapacity
          StepAdjustments:
            - { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 1000, ScalingAdjustment: 1 }
            - { MetricIntervalLowerBound: 1000, ScalingAdjustment: 3 }
        Alarm:
          AlarmName: requests-per-task
          Metrics:
            - Id: m1
              MetricStat:
                Metric: { Namespace: AWS/ApplicationELB, MetricName: RequestCount }
                Period: 60
                Stat: Sum
              ReturnData: false
            - Id: m2
              MetricStat:
                Metric: { Namespace: ECS/ContainerInsights, MetricName: RunningTaskCount }
                Period: 60
                Stat: Average
              ReturnData: false
            - Id: e1
              Expression: m1 / m2
              Label: requests per task
              ReturnData: true
          EvaluationPeriods: 3
          DatapointsToAlarm: 3
          Threshold: 2000
          ComparisonOperator: GreaterThanThreshold`;

describe("step scaling on a metric-math alarm", () => {
  it("requests per task (RequestCount / RunningTaskCount) breach from 30:00; the third datapoint at 33:00 takes the +3 step", async () => {
    // Before 30:00: 20 req/s × 60 s / 2 tasks = 600 per task; after: 120 × 60 / 2 = 3600 > 2000.
    const d = await decisionsOf(fargateScenario(MATH_ALARM));
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out.t).toBe(33 * 60);
    expect(out).toMatchObject({ policy: "per-task", from: 2, to: 5 }); // 3600 − 2000 = 1600 ≥ 1000 → +3
    expect(out.inputs).toMatchObject({
      "per-task": { metric: "requests per task", value: 3600, threshold: 2000, alarm: "ALARM", step: 1 },
    });
  });

  it("a 300-s MetricStat period rolls the 1-minute metrics up over a window sliding every minute: ALARM at 31:00", async () => {
    const text = fargateScenario(
      MATH_ALARM.replaceAll("Period: 60", "Period: 300")
        .replace("EvaluationPeriods: 3", "EvaluationPeriods: 1")
        .replace("DatapointsToAlarm: 3", "DatapointsToAlarm: 1")
        .replace("Threshold: 2000", "Threshold: 5000"),
    );
    const d = await decisionsOf(text);
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    // Sum of 5 minutes of requests over the average task count: before 30:00 5 × 1200 / 2 = 3000 < 5000.
    // "For any period of one minute or longer, an alarm is evaluated every minute and the evaluation is based
    // on the window of time defined by the Period and EvaluationPeriods" (AlarmThatSendsEmail.html): at
    // 31:00 the window 26:00–31:00 holds 4 × 1200 + 7200 = 12 000 requests over 2 tasks = 6 000 > 5000.
    expect(out.t).toBe(31 * 60);
    expect(out.inputs?.["per-task"].value).toBe(6_000);
  });

  it.each([
    [
      "MetricName beside Metrics",
      "AlarmName: requests-per-task\n          MetricName: CPUUtilization",
      "Alarm.MetricName",
      /can't be combined with Metrics/,
    ],
    [
      "two queries returning data",
      "              ReturnData: false\n            - Id: m2",
      "Alarm.Metrics",
      /exactly one query must have ReturnData: true/,
    ],
    [
      "queries of different periods",
      "Stat: Average",
      "Alarm.Metrics[1].MetricStat",
      /share a period: 120 s here, 60 s/,
    ],
  ])("%s is a validation error with line:col", (_, change, path, message) => {
    let text = fargateScenario(MATH_ALARM);
    if (change.includes("Stat: Average")) {
      const at = text.indexOf("Period: 60", text.indexOf("RunningTaskCount"));
      text = `${text.slice(0, at)}Period: 120${text.slice(at + "Period: 60".length)}`;
    } else if (change.startsWith("              ReturnData: false")) {
      text = text.replace(
        "              ReturnData: false\n            - Id: m2",
        "              ReturnData: true\n            - Id: m2",
      );
    } else text = text.replace("AlarmName: requests-per-task", change);
    const e = inputErrorOf(() => parseScenario(text, "s.yaml"));
    expect(e.location.path).toBe(`platforms.svc.scalingPolicies[0].${path}`);
    expect(e.detail).toMatch(message);
    expect(e.location.file).toBe("s.yaml");
    expect(e.location.line).toBeGreaterThan(lineOf(text, "Alarm:"));
  });

  it("an alarm with neither MetricName nor Metrics is an error naming MetricName", () => {
    const text = fargateScenario(
      MATH_ALARM.replace(/ {10}AlarmName: requests-per-task\n[\s\S]*?(?= {10}EvaluationPeriods)/, ""),
    );
    const e = inputErrorOf(() => parseScenario(text, "s.yaml"));
    expect(e.location.path).toMatch(/Alarm\.(MetricName|Period)$/);
    expect(e.detail).toMatch(/is required \(or give Metrics\)/);
  });
});
