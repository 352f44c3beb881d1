import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { MinuteSeries } from "../traffic/minute-series.js";
import { DerivedSeries, type MetricRegistry, type MetricSource } from "./metric-registry.js";

/**
 * The CloudWatch metrics an ECS service behind an ALB publishes, as the simulated models produce them:
 *   AWS/ECS CPUUtilization, MemoryUtilization (Average; Minimum and Maximum equal it: the simulated tasks
 *     are identical) https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html
 *   AWS/ApplicationELB RequestCountPerTarget (Sum; always reported, zeros included) and RequestCount (Sum;
 *     nothing in a minute without requests)
 *     https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 *   ECS/ContainerInsights RunningTaskCount (Average), the usual denominator of backlog-per-task metric math
 *     https://docs.aws.amazon.com/AmazonECS/latest/developerguide/Container-Insights-metrics-ECS.html
 * Other models (e.g. a queue) publish theirs into the same registry.
 */
export function publishEcsServiceMetrics(
  registry: MetricRegistry,
  metrics: { cpu: MetricSource; memory: MetricSource; requestsPerTarget: MetricSource },
  minutes: MinuteSeries,
): void {
  const UTIL = ["Average", "Minimum", "Maximum"] as const;
  registry.publish({
    namespace: "AWS/ECS",
    metricName: "CPUUtilization",
    statistics: UTIL,
    series: metrics.cpu,
  });
  registry.publish({
    namespace: "AWS/ECS",
    metricName: "MemoryUtilization",
    statistics: UTIL,
    series: metrics.memory,
  });
  registry.publish({
    namespace: "AWS/ApplicationELB",
    metricName: "RequestCountPerTarget",
    statistics: ["Sum"],
    series: metrics.requestsPerTarget,
  });
  // Both traffic models close RequestCountPerTarget at the end of every minute, after the minute columns.
  const closed = () => metrics.requestsPerTarget.datapoints.length;
  const c = minutes.columns;
  registry.publish({
    namespace: "AWS/ApplicationELB",
    metricName: "RequestCount",
    statistics: ["Sum"],
    // ELB counts requests for which it could choose a target: none in a minute without a healthy target.
    series: new MinuteColumnSeries("RequestCount", closed, (m) =>
      c.arrived[m] > 0 && c.inService[m] > 0 ? c.arrived[m] : null,
    ),
  });
  registry.publish({
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    statistics: ["Average"],
    series: new MinuteColumnSeries("RunningTaskCount", closed, (m) => c.running[m]),
  });
}

/** A one-minute metric read from the run's per-minute columns as minutes close. */
class MinuteColumnSeries extends DerivedSeries {
  readonly periodMs: TimeMs = MINUTE;

  constructor(
    readonly name: string,
    private readonly closed: () => number,
    private readonly valueAt: (minute: number) => number | null,
  ) {
    super();
  }

  protected available(): number {
    return this.closed();
  }

  protected compute(i: number): number | null {
    return this.valueAt(i);
  }
}
