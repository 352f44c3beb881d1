import type { TimeMs } from "../../engine/time.js";
import { latestVisible } from "../cloudwatch/metric.js";
import {
  evaluateMetricMath,
  type MathNode,
  MetricMathError,
  mathIds,
  parseMetricMath,
} from "./metric-math.js";

/**
 * CloudWatch as the scaling policies of one scalable target see it: the metrics the simulated models
 * publish, found by (Namespace, MetricName, Statistic) as a CloudWatch alarm or a
 * CustomizedMetricSpecification names them.
 *
 * A model publishes a metric by registering a series that it closes once per period; e.g. a queue model
 * publishes `AWS/SQS ApproximateNumberOfMessagesVisible` and a target-tracking policy then tracks
 * `m1 / m2` with m2 = `ECS/ContainerInsights RunningTaskCount` (backlog per task).
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 * Dimensions are accepted and not matched: each platform simulates one service (one of each metric).
 */

/** A metric as alarms read it: one datapoint per period, null where nothing was published. */
export interface MetricSource {
  readonly name: string;
  readonly periodMs: TimeMs;
  /** Datapoints of consecutive periods counted from the start of the run. */
  readonly datapoints: ReadonlyArray<number | null>;
  /** Number of datapoints visible at `now` given the publish delay. */
  visibleCount(now: TimeMs, publishDelayMs: TimeMs): number;
  /**
   * How often an alarm on this metric is evaluated: its period, or every minute for a period of a minute or
   * longer. "For any period of one minute or longer, an alarm is evaluated every minute and the evaluation
   * is based on the window of time defined by the Period and EvaluationPeriods."
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly evaluationMs: TimeMs;
  /**
   * The `count` most recent datapoints as an alarm evaluated at `now` sees them, oldest first: periods that
   * end at the newest published minute (a sliding window), not periods counted from the start of the run.
   */
  recent(now: TimeMs, publishDelayMs: TimeMs, count: number): (number | null)[];
}

export type Statistic = "Average" | "Minimum" | "Maximum" | "SampleCount" | "Sum";

export interface PublishedMetric {
  readonly namespace: string;
  readonly metricName: string;
  /**
   * Statistics this series answers. A series holds one value per period; e.g. the ECS service metrics
   * answer Average, Minimum and Maximum with the same value because every simulated task is identical.
   */
  readonly statistics: ReadonlyArray<Statistic>;
  readonly series: MetricSource;
}

/** A metric a scenario names that the models do not publish; the caller adds the scenario path. */
export class MetricLookupError extends Error {
  override readonly name = "MetricLookupError";
}

export interface MetricRef {
  readonly Namespace?: string;
  readonly MetricName: string;
  readonly Statistic: Statistic;
}

export class MetricRegistry {
  private readonly metrics: PublishedMetric[] = [];

  /** Publish a metric; a model calls this once, before the run starts. */
  publish(m: PublishedMetric): void {
    if (this.metrics.some((x) => x.namespace === m.namespace && x.metricName === m.metricName)) {
      throw new Error(`metric ${m.namespace} ${m.metricName} is already published`);
    }
    this.metrics.push(m);
  }

  /** Every published metric, "Namespace MetricName (statistics)", for error messages and docs. */
  list(): string[] {
    return this.metrics.map((m) => `${m.namespace} ${m.metricName} (${m.statistics.join(", ")})`);
  }

  /**
   * The series of a metric and statistic, rolled up to `periodMs` when that is a multiple of the published
   * period (a 300-s alarm on a 60-s metric). Throws MetricLookupError.
   */
  resolve(ref: MetricRef, periodMs?: TimeMs): MetricSource {
    const found = this.metrics.filter(
      (m) =>
        m.metricName === ref.MetricName && (ref.Namespace === undefined || m.namespace === ref.Namespace),
    );
    if (found.length === 0) {
      throw new MetricLookupError(
        `metric ${ref.Namespace ? `${ref.Namespace} ` : ""}${ref.MetricName} is not produced by this platform; available: ${this.list().join("; ")}`,
      );
    }
    if (found.length > 1) {
      throw new MetricLookupError(
        `metric ${ref.MetricName} exists in several namespaces (${found.map((m) => m.namespace).join(", ")}); give Namespace`,
      );
    }
    const m = found[0];
    if (!m.statistics.includes(ref.Statistic)) {
      throw new MetricLookupError(
        `metric ${m.namespace} ${m.metricName} offers the statistics ${m.statistics.join(", ")}, not ${ref.Statistic}`,
      );
    }
    const base = m.series;
    if (periodMs === undefined || periodMs === base.periodMs) return base;
    if (periodMs < base.periodMs || periodMs % base.periodMs !== 0) {
      throw new MetricLookupError(
        `metric ${m.namespace} ${m.metricName} is published every ${base.periodMs / 1000} s; a period of ${periodMs / 1000} s must be a multiple of it`,
      );
    }
    return new RollupSeries(base, periodMs / base.periodMs, ref.Statistic);
  }

  /**
   * The series a CustomizedMetricSpecification describes: one metric with a statistic, or the query of a
   * metric-math list that has ReturnData true. Throws MetricLookupError or MetricMathError.
   */
  customized(spec: CustomizedMetricSpec): MetricSource {
    if (spec.Metrics === undefined) {
      return this.resolve({
        Namespace: spec.Namespace,
        MetricName: spec.MetricName!,
        Statistic: spec.Statistic!,
      });
    }
    return this.query(spec.Metrics);
  }

  /**
   * The series of a metric-math query list (the query with ReturnData true, or the only one). A MetricStat
   * with its own Period (alarms) is read at that period; others at the published period. Throws
   * MetricLookupError or MetricMathError.
   */
  query(queries: ReadonlyArray<MetricDataQuery>): MetricSource {
    const byId = new Map<string, MetricSource>();
    const resolving = new Set<string>();
    const sourceOf = (id: string): MetricSource => {
      const known = byId.get(id);
      if (known) return known;
      const q = queries.find((x) => x.Id === id);
      if (!q) throw new MetricMathError(`metric math refers to unknown query id "${id}"`);
      if (resolving.has(id)) throw new MetricMathError(`metric math query "${id}" refers to itself`);
      resolving.add(id);
      let s: MetricSource;
      if (q.MetricStat) {
        s = this.resolve(
          {
            Namespace: q.MetricStat.Metric.Namespace,
            MetricName: q.MetricStat.Metric.MetricName,
            Statistic: q.MetricStat.Stat,
          },
          q.MetricStat.Period === undefined ? undefined : q.MetricStat.Period * 1000,
        );
      } else {
        const node = parseMetricMath(q.Expression!);
        const inputs = new Map<string, MetricSource>();
        for (const ref of mathIds(node)) inputs.set(ref, sourceOf(ref));
        s = new ExpressionSeries(q.Label ?? q.Expression!, node, inputs);
      }
      byId.set(id, s);
      return s;
    };
    const ret =
      queries.length === 1
        ? queries[0]
        : (queries.find((q) => q.ReturnData === true) ?? queries.find((q) => q.ReturnData !== false)!);
    return sourceOf(ret.Id);
  }
}

/** One query of a metric-math list, in CloudWatch's field names (MetricStat.Period only in alarms). */
export interface MetricDataQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly MetricStat?: {
    readonly Metric: { readonly MetricName: string; readonly Namespace: string };
    readonly Stat: Statistic;
    readonly Period?: number;
  };
  readonly ReturnData?: boolean;
}

/** The shape of CustomizedMetricSpecification this registry reads (AWS field names). */
export interface CustomizedMetricSpec {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Statistic?: Statistic;
  readonly Metrics?: ReadonlyArray<MetricDataQuery>;
}

/** A series computed from others as their datapoints appear; computed values are kept. */
export abstract class DerivedSeries implements MetricSource {
  private readonly points: (number | null)[] = [];
  abstract readonly name: string;
  abstract readonly periodMs: TimeMs;
  protected abstract available(): number;
  protected abstract compute(index: number): number | null;

  get datapoints(): ReadonlyArray<number | null> {
    this.sync();
    return this.points;
  }

  visibleCount(now: TimeMs, publishDelayMs: TimeMs): number {
    this.sync();
    return Math.min(this.points.length, Math.floor((now - publishDelayMs) / this.periodMs));
  }

  get evaluationMs(): TimeMs {
    return this.periodMs;
  }

  recent(now: TimeMs, publishDelayMs: TimeMs, count: number): (number | null)[] {
    return latestVisible(this, now, publishDelayMs, count);
  }

  private sync(): void {
    const n = this.available();
    while (this.points.length < n) this.points.push(this.compute(this.points.length));
  }
}

/**
 * A metric read at a longer period: the statistic over `factor` consecutive datapoints (Sum adds them;
 * Average, Minimum, Maximum take the mean, least, greatest of the published values). Missing datapoints are
 * skipped; a period with none is missing. `datapoints` holds the periods counted from the start of the run;
 * an alarm reads `recent`: periods ending at the newest published datapoint of the source, evaluated as
 * often as the source publishes (every minute for a 300-s alarm on a 1-minute metric).
 */
export class RollupSeries extends DerivedSeries {
  readonly name: string;
  readonly periodMs: TimeMs;

  constructor(
    private readonly source: MetricSource,
    private readonly factor: number,
    private readonly stat: Statistic,
  ) {
    super();
    this.name = `${source.name} (${(source.periodMs * factor) / 1000} s ${stat})`;
    this.periodMs = source.periodMs * factor;
  }

  protected available(): number {
    return Math.floor(this.source.datapoints.length / this.factor);
  }

  override get evaluationMs(): TimeMs {
    return this.source.evaluationMs;
  }

  override recent(now: TimeMs, publishDelayMs: TimeMs, count: number): (number | null)[] {
    const end = this.source.visibleCount(now, publishDelayMs);
    const out: (number | null)[] = [];
    for (let k = Math.min(count, Math.floor(end / this.factor)) - 1; k >= 0; k--)
      out.push(this.over(end - (k + 1) * this.factor));
    return out;
  }

  protected compute(i: number): number | null {
    return this.over(i * this.factor);
  }

  /** The statistic over the `factor` source datapoints from index `start`. */
  private over(start: number): number | null {
    const d = this.source.datapoints;
    let n = 0;
    let acc =
      this.stat === "Minimum"
        ? Number.POSITIVE_INFINITY
        : this.stat === "Maximum"
          ? Number.NEGATIVE_INFINITY
          : 0;
    for (let k = start; k < start + this.factor; k++) {
      const v = d[k];
      if (v === null || Number.isNaN(v)) continue;
      n++;
      if (this.stat === "Minimum") acc = Math.min(acc, v);
      else if (this.stat === "Maximum") acc = Math.max(acc, v);
      else acc += v;
    }
    if (n === 0) return null;
    return this.stat === "Average" ? acc / n : acc;
  }
}

/** A metric-math expression over other series of the same period. */
export class ExpressionSeries extends DerivedSeries {
  readonly periodMs: TimeMs;
  private readonly ids: string[];
  private readonly sources: MetricSource[];

  constructor(
    readonly name: string,
    private readonly node: MathNode,
    inputs: ReadonlyMap<string, MetricSource>,
  ) {
    super();
    this.ids = [...inputs.keys()].sort();
    this.sources = this.ids.map((id) => inputs.get(id)!);
    const periods = new Set(this.sources.map((s) => s.periodMs));
    if (periods.size > 1)
      throw new MetricMathError(`metric math "${name}" mixes metrics of different periods`);
    this.periodMs = this.sources[0]?.periodMs ?? 60_000;
  }

  protected available(): number {
    let n = Number.POSITIVE_INFINITY;
    for (const s of this.sources) n = Math.min(n, s.datapoints.length);
    return Number.isFinite(n) ? n : 0;
  }

  protected compute(i: number): number | null {
    return this.valueAt((k) => this.sources[k].datapoints[i]);
  }

  override get evaluationMs(): TimeMs {
    return Math.min(...this.sources.map((s) => s.evaluationMs), this.periodMs);
  }

  /** The expression over its inputs' sliding windows, aligned at the newest datapoint. */
  override recent(now: TimeMs, publishDelayMs: TimeMs, count: number): (number | null)[] {
    const inputs = this.sources.map((s) => s.recent(now, publishDelayMs, count));
    const n = Math.min(...inputs.map((r) => r.length));
    const out: (number | null)[] = [];
    for (let j = n; j >= 1; j--) out.push(this.valueAt((k) => inputs[k][inputs[k].length - j]));
    return out;
  }

  private valueAt(inputValue: (k: number) => number | null | undefined): number | null {
    return evaluateMetricMath(this.node, (id) => {
      const v = inputValue(this.ids.indexOf(id));
      return v === null || v === undefined || Number.isNaN(v) ? null : v;
    });
  }
}
