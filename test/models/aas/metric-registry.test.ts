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

describe("alarms on a period of a minute or more: evaluated every minute over a sliding window", () => {
  // "For any period of one minute or longer, an alarm is evaluated every minute and the evaluation is based
  // on the window of time defined by the Period and EvaluationPeriods."
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
  const cpu = [...Array(20).fill(25), ...Array(20).fill(87.5)];
  const alarmView = () => {
    const r = new MetricRegistry();
    r.publish({
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      statistics: ["Average"],
      series: new ScriptedMetric("cpu", cpu),
    });
    return r.resolve({ Namespace: "AWS/ECS", MetricName: "CPUUtilization", Statistic: "Average" }, 300_000);
  };

  it("a 300-s Average is read every minute, over the five minutes ending then", () => {
    const s = alarmView();
    expect(s.evaluationMs).toBe(60_000);
    const MIN = 60_000;
    // Hand computation: window 17:00–22:00 = (3 × 25 + 2 × 87.5) / 5 = 50; 18:00–23:00 = 62.5.
    expect(s.recent(22 * MIN, 0, 1)).toEqual([50]);
    expect(s.recent(23 * MIN, 0, 1)).toEqual([62.5]);
    // Two evaluation periods at 23:00: 13:00–18:00 and 18:00–23:00.
    expect(s.recent(23 * MIN, 0, 2)).toEqual([25, 62.5]);
    // Before five minutes have been published there is no datapoint yet.
    expect(s.recent(4 * MIN, 0, 3)).toEqual([]);
  });
});
