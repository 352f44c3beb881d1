import type { MetricSource } from "./metric-registry.js";

/**
 * Predictive scaling on customized metrics: a load metric (total demand), a scaling metric ("must be inversely
 * proportional to capacity", e.g. average CPU or requests per task) and a capacity metric (the number of
 * tasks; default ECS/ContainerInsights RunningTaskCount).
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingMetricSpecification.html
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/aas-predictive-scaling-customized-metric-specification.html
 *
 * AWS does not publish how it turns a load forecast into capacity for custom metrics. scalesim's method
 * (docs/application-auto-scaling.md): an inversely proportional scaling metric means scaling ≈ k × load /
 * capacity, so k = Σ(scaling × capacity) / Σ(load) over the history (ratio of sums, minutes where all three
 * are known and load > 0), and the capacity an hour needs is ceil(k × forecast load / TargetValue). For the
 * predefined pairs k is 1 (load = capacity × scaling), which gives the documented example: capacity 10 with
 * the scaling metric at 30 and target 60 needs 5.
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-graphs.html
 */

/** History window of the factor: the 14 days predictive scaling analyses. */
export const FACTOR_WINDOW_MINUTES = 14 * 24 * 60;

/**
 * k over minutes [from, to) of per-minute series (null = no datapoint), or null when no minute has all three.
 * Pure.
 */
export function loadToScalingFactor(
  load: ReadonlyArray<number | null>,
  scaling: ReadonlyArray<number | null>,
  capacity: ReadonlyArray<number | null>,
  from: number,
  to: number,
): number | null {
  let num = 0;
  let den = 0;
  for (let m = Math.max(0, from); m < to; m++) {
    const l = load[m];
    const s = scaling[m];
    const c = capacity[m];
    if (l === null || l === undefined || s === null || s === undefined || c === null || c === undefined)
      continue;
    if (!(l > 0) || !Number.isFinite(s) || !Number.isFinite(c)) continue;
    num += s * c;
    den += l;
  }
  return den > 0 ? num / den : null;
}

/** The load of a minute and the factor k as the predictive controller reads them (src/wiring/aas.ts). */
export function customizedPredictiveMetrics(
  load: MetricSource,
  scaling: MetricSource,
  capacity: MetricSource,
): {
  loadAt: (minute: number) => number | null;
  minutesKnown: () => number;
  scalingFactor: (toMinute: number) => number | null;
} {
  return {
    loadAt: (m) => load.datapoints[m] ?? null,
    minutesKnown: () => load.datapoints.length,
    scalingFactor: (to) =>
      loadToScalingFactor(
        load.datapoints,
        scaling.datapoints,
        capacity.datapoints,
        to - FACTOR_WINDOW_MINUTES,
        to,
      ),
  };
}
