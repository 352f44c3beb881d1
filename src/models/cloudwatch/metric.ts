import type { TimeMs } from "../../engine/time.js";

/**
 * A CloudWatch metric as the alarms see it: one datapoint per period, `null` where nothing was published.
 * ECS publishes CPUUtilization and MemoryUtilization as one aggregated datapoint per minute (20 s with
 * high-resolution metrics); ELB publishes RequestCount every 60 s and only while requests flow.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */
export class MetricSeries {
  readonly datapoints: (number | null)[] = [];
  private sum = 0;
  private weight = 0;

  constructor(
    readonly name: string,
    readonly periodMs: TimeMs,
  ) {}

  /** Add `value` observed for `weight` (time or count) in the current period. */
  add(value: number, weight: number): void {
    this.sum += value * weight;
    this.weight += weight;
  }

  /** `add(value, weight)` `times` times in a row (the same additions, in the same order). */
  addRepeated(value: number, weight: number, times: number): void {
    let sum = this.sum;
    let total = this.weight;
    for (let i = 0; i < times; i++) {
      sum += value * weight;
      total += weight;
    }
    this.sum = sum;
    this.weight = total;
  }

  /** Close the period: publish the weighted average (or nothing, when nothing was observed). */
  closeAverage(): void {
    this.datapoints.push(this.weight > 0 ? this.sum / this.weight : null);
    this.sum = 0;
    this.weight = 0;
  }

  /** Close the period publishing an explicit value (or nothing). */
  closeWith(value: number | null): void {
    this.datapoints.push(value);
    this.sum = 0;
    this.weight = 0;
  }

  /** The last `k` datapoints, oldest first (fewer at the start of a run). */
  latest(k: number): (number | null)[] {
    return this.datapoints.slice(Math.max(0, this.datapoints.length - k));
  }

  /** Datapoints published by `now`, given the publish delay: index of the last period whose datapoint is visible. */
  visibleCount(now: TimeMs, publishDelayMs: TimeMs): number {
    return Math.min(this.datapoints.length, Math.floor((now - publishDelayMs) / this.periodMs));
  }

  /** A new datapoint every period: an alarm on this series is evaluated once per period. */
  get evaluationMs(): TimeMs {
    return this.periodMs;
  }

  /** The `count` most recent datapoints visible at `now`, oldest first. */
  recent(now: TimeMs, publishDelayMs: TimeMs, count: number): (number | null)[] {
    return latestVisible(this, now, publishDelayMs, count);
  }
}

/** The `count` most recent datapoints of a fixed-period series visible at `now`, oldest first. */
export function latestVisible(
  series: {
    readonly datapoints: ReadonlyArray<number | null>;
    visibleCount(now: TimeMs, publishDelayMs: TimeMs): number;
  },
  now: TimeMs,
  publishDelayMs: TimeMs,
  count: number,
): (number | null)[] {
  const v = series.visibleCount(now, publishDelayMs);
  return series.datapoints.slice(Math.max(0, v - count), v);
}
