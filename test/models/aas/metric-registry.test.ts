import { describe, expect, it } from "vitest";
import { evaluateMetricMath, MetricMathError, parseMetricMath } from "../../../src/models/aas/metric-math.js";
import { MetricLookupError, MetricRegistry } from "../../../src/models/aas/metric-registry.js";
import { targetTrackingCapacity } from "../../../src/models/aas/target-tracking.js";
import { ScriptedMetric } from "./helpers.js";

describe("metric math", () => {
  it.each([
    ["m1 / m2", 1500, 10, 150],
    ["(m1 + 500) / m2 * 2", 1500, 10, 400],
    ["-m1 + m2 * 3", 1, 2, 5],
    ["m1 / 1e3", 2500, 0, 2.5],
  ])("%s with m1=%d m2=%d = %d", (expr, m1, m2, want) => {
    expect(evaluateMetricMath(parseMetricMath(expr), (id) => (id === "m1" ? m1 : m2))).toBe(want);
  });

  it("a division by zero or a missing input gives a missing datapoint", () => {
    const node = parseMetricMath("m1 / m2");
    expect(evaluateMetricMath(node, (id) => (id === "m1" ? 5 : 0))).toBeNull();
    expect(evaluateMetricMath(node, (id) => (id === "m1" ? null : 2))).toBeNull();
  });

  it.each(["SUM(m1)", "m1 +", "(m1", "m1 $ m2", ""])("rejects %j", (expr) => {
    expect(() => parseMetricMath(expr)).toThrow(MetricMathError);
  });
});

describe("metric registry", () => {
  const registry = () => {
    const r = new MetricRegistry();
    r.publish({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistics: ["Sum", "Average"],
      series: new ScriptedMetric("q", [1500, 1500, null, 900]),
    });
    r.publish({
      namespace: "ECS/ContainerInsights",
      metricName: "RunningTaskCount",
      statistics: ["Average"],
      series: new ScriptedMetric("n", [10, 10, 10, 0]),
    });
    return r;
  };

  it("W5: backlog per task = 1500 messages / 10 tasks = 150 against a target of 10 s / 0.1 s = 100 -> 15 tasks (as-using-sqs-queue.html)", () => {
    // Metric math in the shape of application-auto-scaling-target-tracking-metric-math.html.
    const series = registry().customized({
      Metrics: [
        {
          Id: "m1",
          MetricStat: {
            Metric: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible" },
            Stat: "Sum",
          },
          ReturnData: false,
        },
        {
          Id: "m2",
          MetricStat: {
            Metric: { Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount" },
            Stat: "Average",
          },
          ReturnData: false,
        },
        { Id: "e1", Expression: "m1 / m2", Label: "backlog per task", ReturnData: true },
      ],
    });
    expect(series.datapoints).toEqual([150, 150, null, null]);
    const target = 10 / 0.1;
    expect(target).toBe(100);
    expect(targetTrackingCapacity({ running: 10, metric: series.datapoints[0]!, target })).toBe(15);
  });

  it("rolls a 60-s metric up to an alarm's longer period with the alarm's statistic", () => {
    const r = new MetricRegistry();
    r.publish({
      namespace: "N",
      metricName: "M",
      statistics: ["Sum", "Average", "Maximum", "Minimum"],
      series: new ScriptedMetric("m", [1, 2, 3, null, 5, 6, 7]),
    });
    const sum = r.resolve({ MetricName: "M", Statistic: "Sum" }, 180_000);
    expect(sum.datapoints).toEqual([6, 11]);
    expect(r.resolve({ MetricName: "M", Statistic: "Average" }, 180_000).datapoints).toEqual([2, 5.5]);
    expect(r.resolve({ MetricName: "M", Statistic: "Maximum" }, 120_000).datapoints).toEqual([2, 3, 6]);
    expect(sum.visibleCount(6 * 60_000, 0)).toBe(2);
    expect(sum.visibleCount(5 * 60_000, 0)).toBe(1);
  });

  it("names what is available when a metric or statistic is not produced", () => {
    const r = registry();
    expect(() => r.resolve({ MetricName: "CPUUtilization", Statistic: "Average" })).toThrow(
      /not produced.*ApproximateNumberOfMessagesVisible/,
    );
    expect(() => r.resolve({ MetricName: "RunningTaskCount", Statistic: "Sum" })).toThrow(MetricLookupError);
    expect(() => r.resolve({ MetricName: "RunningTaskCount", Statistic: "Average" }, 90_000)).toThrow(
      /multiple/,
    );
  });
});
