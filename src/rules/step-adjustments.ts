/**
 * The documented rules of a step scaling policy's StepAdjustments: their fields and the checks a scenario
 * can fail. Pure; read by scenario validation and by the step scaling model (src/models/aas/step-scaling.ts).
 *   [UG]   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 *   [CFG]  https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
 *   [STEP] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 */

export type AdjustmentType = "ChangeInCapacity" | "PercentChangeInCapacity" | "ExactCapacity";
export type MetricAggregationType = "Average" | "Minimum" | "Maximum";

/** One StepAdjustment; bounds are relative to the alarm threshold, null = -infinity / +infinity [STEP]. */
export interface StepAdjustment {
  readonly metricIntervalLowerBound: number | null;
  readonly metricIntervalUpperBound: number | null;
  readonly scalingAdjustment: number;
}

export interface StepAdjustmentIssue {
  /** Index into the steps array, or -1 for a problem of the set as a whole. */
  readonly index: number;
  readonly field:
    | "MetricIntervalLowerBound"
    | "MetricIntervalUpperBound"
    | "ScalingAdjustment"
    | "StepAdjustments";
  readonly message: string;
}

const lowerOf = (s: StepAdjustment) => s.metricIntervalLowerBound ?? Number.NEGATIVE_INFINITY;
const upperOf = (s: StepAdjustment) => s.metricIntervalUpperBound ?? Number.POSITIVE_INFINITY;

/**
 * The documented rules for a policy's step adjustments [UG][STEP]:
 *  - at least one step adjustment;
 *  - the upper and lower bound can't both be null in one step; a lower bound must be below its upper bound;
 *  - ranges can't overlap or leave a gap;
 *  - at most one null lower bound, and a negative lower bound requires a step with a null lower bound;
 *  - at most one null upper bound, and a positive upper bound requires a step with a null upper bound;
 *  - ScalingAdjustment is an integer; with ExactCapacity it is not negative [UG].
 * With `threshold`, messages also give absolute metric values, and a set that leaves the values next to the
 * threshold uncovered (e.g. only [10, +inf)) is reported: a breach there would match no step.
 */
export function validateStepAdjustments(
  steps: ReadonlyArray<StepAdjustment>,
  threshold?: number,
  adjustmentType?: AdjustmentType,
): StepAdjustmentIssue[] {
  const issues: StepAdjustmentIssue[] = [];
  if (steps.length === 0) {
    issues.push({ index: -1, field: "StepAdjustments", message: "at least one step adjustment is required" });
    return issues;
  }
  const abs = (b: number) =>
    threshold === undefined || !Number.isFinite(b)
      ? fmtBound(b)
      : `${fmtBound(b)} (metric ${fmtBound(threshold + b)})`;
  let nullLower = -1;
  let nullUpper = -1;
  let negativeLower = -1;
  let positiveUpper = -1;
  steps.forEach((s, i) => {
    const lo = s.metricIntervalLowerBound;
    const hi = s.metricIntervalUpperBound;
    if (!Number.isInteger(s.scalingAdjustment)) {
      issues.push({ index: i, field: "ScalingAdjustment", message: "ScalingAdjustment must be an integer" });
    } else if (adjustmentType === "ExactCapacity" && s.scalingAdjustment < 0) {
      issues.push({
        index: i,
        field: "ScalingAdjustment",
        message: "ExactCapacity needs a non-negative ScalingAdjustment",
      });
    }
    if (lo === null && hi === null) {
      issues.push({
        index: i,
        field: "MetricIntervalLowerBound",
        message: "the lower and upper bound can't both be null in the same step adjustment",
      });
    }
    if (lo !== null && !Number.isFinite(lo)) {
      issues.push({
        index: i,
        field: "MetricIntervalLowerBound",
        message: "bound must be a finite number or null",
      });
    }
    if (hi !== null && !Number.isFinite(hi)) {
      issues.push({
        index: i,
        field: "MetricIntervalUpperBound",
        message: "bound must be a finite number or null",
      });
    }
    if (lo !== null && hi !== null && !(lo < hi)) {
      issues.push({
        index: i,
        field: "MetricIntervalUpperBound",
        message: `upper bound ${abs(hi)} must be greater than lower bound ${abs(lo)}`,
      });
    }
    if (lo === null) {
      if (nullLower >= 0) {
        issues.push({
          index: i,
          field: "MetricIntervalLowerBound",
          message: `only one step adjustment can have a null lower bound (step ${nullLower} has one)`,
        });
      } else nullLower = i;
    } else if (lo < 0 && negativeLower < 0) negativeLower = i;
    if (hi === null) {
      if (nullUpper >= 0) {
        issues.push({
          index: i,
          field: "MetricIntervalUpperBound",
          message: `only one step adjustment can have a null upper bound (step ${nullUpper} has one)`,
        });
      } else nullUpper = i;
    } else if (hi > 0 && positiveUpper < 0) positiveUpper = i;
  });
  if (negativeLower >= 0 && nullLower < 0) {
    issues.push({
      index: negativeLower,
      field: "MetricIntervalLowerBound",
      message: "a negative lower bound requires a step adjustment with a null lower bound",
    });
  }
  if (positiveUpper >= 0 && nullUpper < 0) {
    issues.push({
      index: positiveUpper,
      field: "MetricIntervalUpperBound",
      message: "a positive upper bound requires a step adjustment with a null upper bound",
    });
  }

  // Overlaps and gaps: walk the steps in order of their lower bounds.
  const order = steps.map((_, i) => i).sort((a, b) => lowerOf(steps[a]) - lowerOf(steps[b]) || a - b);
  for (let k = 1; k < order.length; k++) {
    const prev = steps[order[k - 1]];
    const cur = steps[order[k]];
    const end = upperOf(prev);
    const start = lowerOf(cur);
    if (end > start) {
      issues.push({
        index: order[k],
        field: "MetricIntervalLowerBound",
        message: `range overlaps step ${order[k - 1]}: lower bound ${abs(start)} is below its upper bound ${abs(end)}`,
      });
    } else if (end < start) {
      issues.push({
        index: order[k],
        field: "MetricIntervalLowerBound",
        message: `gap between step ${order[k - 1]} (upper bound ${abs(end)}) and this step (lower bound ${abs(start)})`,
      });
    }
  }
  if (threshold !== undefined && issues.length === 0) {
    // The alarm fires on the threshold side, so the steps must reach the threshold itself.
    const first = lowerOf(steps[order[0]]);
    const last = upperOf(steps[order[order.length - 1]]);
    if (first > 0) {
      issues.push({
        index: order[0],
        field: "MetricIntervalLowerBound",
        message: `metric values from ${fmtBound(threshold)} up to ${fmtBound(threshold + first)} match no step`,
      });
    } else if (last < 0) {
      issues.push({
        index: order[order.length - 1],
        field: "MetricIntervalUpperBound",
        message: `metric values from ${fmtBound(threshold + last)} up to ${fmtBound(threshold)} match no step`,
      });
    }
  }
  return issues;
}

function fmtBound(b: number): string {
  if (b === Number.NEGATIVE_INFINITY) return "-infinity";
  if (b === Number.POSITIVE_INFINITY) return "+infinity";
  return Number.isInteger(b) ? String(b) : String(Math.round(b * 1e6) / 1e6);
}
