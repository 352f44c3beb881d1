/**
 * Application Auto Scaling step scaling (StepScalingPolicyConfiguration): step
 * selection, adjustment arithmetic and the step policy's cooldown. Pure functions; the rules a policy's
 * step adjustments must follow are in src/rules/step-adjustments.ts.
 *
 * Sources:
 *   [UG]   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 *   [CFG]  https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
 *   [STEP] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 */

import type { AdjustmentType, MetricAggregationType, StepAdjustment } from "../../rules/step-adjustments.js";

export type {
  AdjustmentType,
  MetricAggregationType,
  StepAdjustment,
  StepAdjustmentIssue,
} from "../../rules/step-adjustments.js";
export { validateStepAdjustments } from "../../rules/step-adjustments.js";

/** Default Cooldown of a step policy on an ECS service, in milliseconds [CFG]. */
export const ECS_DEFAULT_STEP_COOLDOWN_MS = 300_000;

/**
 * Whether `metric` falls in the step's interval [UG]: above the threshold the lower bound is inclusive and
 * the upper exclusive (thr+lb <= m < thr+ub); below it the lower bound is exclusive and the upper
 * inclusive (thr+lb < m <= thr+ub). Exactly at the threshold AWS gives no rule; see
 * selectStepAdjustment.
 */
export function stepContains(
  step: StepAdjustment,
  threshold: number,
  metric: number,
  aboveRule: boolean,
): boolean {
  const lo = step.metricIntervalLowerBound;
  const hi = step.metricIntervalUpperBound;
  if (aboveRule) {
    return (lo === null || metric >= threshold + lo) && (hi === null || metric < threshold + hi);
  }
  return (lo === null || metric > threshold + lo) && (hi === null || metric <= threshold + hi);
}

/**
 * Index of the step adjustment that applies to the aggregated metric, or -1 when none does.
 * Assumption (not documented): a metric exactly at the threshold uses the "above" rule first and, if no
 * step matches, the "below" rule, so that both a scale-out set starting [0, ...) and a scale-in set ending
 * (..., 0] match it.
 */
export function selectStepAdjustment(
  steps: ReadonlyArray<StepAdjustment>,
  threshold: number,
  aggregatedMetric: number,
): number {
  const above = aggregatedMetric >= threshold;
  for (let i = 0; i < steps.length; i++) {
    if (stepContains(steps[i], threshold, aggregatedMetric, above)) return i;
  }
  if (aggregatedMetric === threshold) {
    for (let i = 0; i < steps.length; i++) {
      if (stepContains(steps[i], threshold, aggregatedMetric, false)) return i;
    }
  }
  return -1;
}

/**
 * Rounding of a PercentChangeInCapacity result [UG]: values greater than 1 are rounded down (12.7 -> 12),
 * between 0 and 1 to 1 (.67 -> 1), between 0 and -1 to -1 (-.58 -> -1), less than -1 up (-6.67 -> -6).
 */
export function roundPercentChange(x: number): number {
  if (x > 1) return Math.floor(x);
  if (x > 0) return 1;
  if (x === 0) return 0;
  if (x > -1) return -1;
  return Math.ceil(x);
}

export interface StepCapacityInput {
  readonly adjustmentType: AdjustmentType;
  readonly scalingAdjustment: number;
  /** Only with PercentChangeInCapacity: minimum size of the change [UG][CFG]. */
  readonly minAdjustmentMagnitude?: number | null;
  /** Capacity the adjustment applies to. */
  readonly current: number;
}

/**
 * New capacity after one step adjustment [UG]: ChangeInCapacity adds the adjustment, ExactCapacity sets it,
 * PercentChangeInCapacity adds the rounded percentage of `current`, at least MinAdjustmentMagnitude in size
 * (+25% of 4 = 1, raised to 2 with MinAdjustmentMagnitude 2). Never below 0; min/max clamping is
 * applyCapacityLimits' job.
 */
export function stepCapacity(s: StepCapacityInput): number {
  let next: number;
  switch (s.adjustmentType) {
    case "ChangeInCapacity":
      next = s.current + s.scalingAdjustment;
      break;
    case "ExactCapacity":
      next = s.scalingAdjustment;
      break;
    case "PercentChangeInCapacity":
      next = s.current + percentChange(s.current, s.scalingAdjustment, s.minAdjustmentMagnitude ?? null);
      break;
  }
  return Math.max(0, next);
}

/** The change (not the new capacity) a PercentChangeInCapacity step makes at `current`. */
export function percentChange(
  current: number,
  percent: number,
  minAdjustmentMagnitude: number | null,
): number {
  // current and percent are integers, so current × percent is exact and the division rounds once.
  let change = roundPercentChange((current * percent) / 100);
  if (minAdjustmentMagnitude != null && change !== 0 && Math.abs(change) < minAdjustmentMagnitude) {
    change = Math.sign(change) * minAdjustmentMagnitude;
  }
  return change;
}

/**
 * MetricAggregationType applied to the most recent datapoints [UG][CFG]; null/undefined -> Average.
 * Missing values (null, NaN) are skipped; returns null when no value remains.
 */
export function aggregate(
  values: ReadonlyArray<number | null>,
  type: MetricAggregationType | null | undefined = "Average",
): number | null {
  const t = type ?? "Average";
  let n = 0;
  let acc = t === "Minimum" ? Number.POSITIVE_INFINITY : t === "Maximum" ? Number.NEGATIVE_INFINITY : 0;
  for (const v of values) {
    if (v === null || Number.isNaN(v)) continue;
    n++;
    if (t === "Minimum") acc = Math.min(v, acc);
    else if (t === "Maximum") acc = Math.max(v, acc);
    else acc += v;
  }
  if (n === 0) return null;
  return t === "Average" ? acc / n : acc;
}

// ---------------------------------------------------------------------------------------------------------
// Cooldown of a step policy
// ---------------------------------------------------------------------------------------------------------

/** What the controller remembers about a step policy's last completed activity. */
export interface StepCooldownState {
  /** When the cooldown ends (ms); it starts when the activity completes [UG]. */
  readonly endsAt: number;
  readonly direction: "out" | "in";
  /**
   * Capacity the scale-out that started the cooldown adjusted from. Assumption (chosen): a larger
   * scale-out during the cooldown keeps this base, so the capacity added since still counts.
   */
  readonly base: number;
}

export interface StepPolicyInput extends Omit<StepCapacityInput, "current"> {
  readonly policy: string;
  /** Current desired count. */
  readonly current: number;
  readonly now: number;
  /** State of the policy's last activity; null or absent when none. */
  readonly cooldown?: StepCooldownState | null;
}

export interface StepPolicyDecision {
  readonly policy: string;
  readonly kind: "step";
  readonly direction: "out" | "in" | "none";
  /** Desired capacity the policy asks for; the current one when "none". */
  readonly capacity: number;
  readonly scaleInEnabled: true;
  /** Base the adjustment was applied to (for the next StepCooldownState). */
  readonly base: number;
  readonly reason: string;
}

/**
 * What a step policy asks for when its alarm fires with the selected step adjustment [UG]:
 *  - during its scale-out cooldown, "capacity added by the initiating scale-out activity is calculated as
 *    part of the desired capacity for the next scale-out": the adjustment applies to the capacity the
 *    cooldown's scale-out started from, and only a larger result is applied (alarm adds 2, then a step of
 *    3 during the cooldown adds only 1);
 *  - during its scale-in cooldown, scale-in is blocked (a scale-out still runs; applyCooldown ends the
 *    target's scale-in cooldown).
 */
export function stepPolicyDecision(p: StepPolicyInput): StepPolicyDecision {
  const cd = p.cooldown != null && p.now < p.cooldown.endsAt ? p.cooldown : null;
  const what = describeAdjustment(p);
  const decision = (direction: "out" | "in" | "none", capacity: number, base: number, reason: string) =>
    ({ policy: p.policy, kind: "step", direction, capacity, scaleInEnabled: true, base, reason }) as const;
  // The step's direction follows from applying it to the current desired count.
  const fromCurrent = stepCapacity({ ...p, current: p.current });
  if (fromCurrent > p.current) {
    if (cd !== null && cd.direction === "out") {
      const proposed = stepCapacity({ ...p, current: cd.base });
      if (proposed > p.current) {
        return decision(
          "out",
          proposed,
          cd.base,
          `${what} from ${cd.base} (scale-out cooldown) = ${proposed}: adds ${proposed - p.current}`,
        );
      }
      return decision(
        "none",
        p.current,
        cd.base,
        `${what} from ${cd.base} (scale-out cooldown) = ${proposed}: not larger than desired ${p.current}`,
      );
    }
    return decision("out", fromCurrent, p.current, `${what} from ${p.current} = ${fromCurrent}`);
  }
  if (fromCurrent < p.current) {
    if (cd !== null && cd.direction === "in") {
      return decision(
        "none",
        p.current,
        p.current,
        `${what} = ${fromCurrent} blocked by the scale-in cooldown until ${cd.endsAt} ms`,
      );
    }
    return decision("in", fromCurrent, p.current, `${what} from ${p.current} = ${fromCurrent}`);
  }
  return decision("none", p.current, p.current, `${what}: no change at ${p.current}`);
}

function describeAdjustment(p: Omit<StepCapacityInput, "current">): string {
  const a = p.scalingAdjustment;
  switch (p.adjustmentType) {
    case "ChangeInCapacity":
      return `step ${a >= 0 ? "+" : ""}${a}`;
    case "ExactCapacity":
      return `step =${a}`;
    case "PercentChangeInCapacity":
      return `step ${a >= 0 ? "+" : ""}${a}%`;
  }
}

/** Cooldown state after a step policy's activity completes at `completedAt`. */
export function stepCooldownAfter(
  decision: Pick<StepPolicyDecision, "direction" | "base">,
  completedAt: number,
  cooldownMs: number = ECS_DEFAULT_STEP_COOLDOWN_MS,
  previous: StepCooldownState | null = null,
): StepCooldownState | null {
  if (decision.direction === "none") return previous;
  // A larger scale-out inside a scale-out cooldown keeps the original base (see StepCooldownState.base).
  const keepBase =
    previous !== null &&
    previous.direction === "out" &&
    decision.direction === "out" &&
    completedAt < previous.endsAt;
  return {
    endsAt: completedAt + cooldownMs,
    direction: decision.direction,
    base: keepBase && previous ? previous.base : decision.base,
  };
}
