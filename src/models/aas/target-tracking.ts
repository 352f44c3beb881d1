/**
 * Application Auto Scaling target tracking for ECS services, and the rules every dynamic policy shares:
 * multi-policy arbitration, min/max clamping and cooldowns. Pure functions; the controller that owns the
 * policies holds alarm states and cooldown end times and passes them in.
 *
 * Sources:
 *   [TT]  https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 *   [API] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
 *   [ECS] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html
 *   [ASG] https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 *   [PSP] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */

import type { AlarmConfig, AlarmState, ComparisonOperator, TreatMissingData } from "./alarm.js";

// ---------------------------------------------------------------------------------------------------------
// Capacity formula
// ---------------------------------------------------------------------------------------------------------

/**
 * Tolerance subtracted before rounding up, so that floating-point noise (e.g. 10 × (0.1 × 3) / 0.3 =
 * 10.000000000000002) does not add a whole task.
 */
export const CAPACITY_ROUNDING_EPSILON = 1e-9;

export interface TargetTrackingInput {
  /** RUNNING task count: the starting point of a scaling calculation, not desiredCount [ECS]. */
  readonly running: number;
  /** Aggregated metric value of the latest datapoint. */
  readonly metric: number;
  readonly target: number;
}

/**
 * Capacity that brings the metric back to the target: ceil(running × metric / target).
 * AWS documents only that target tracking rounds so that it never adds too little nor removes too much
 * ("if 1.5 instances are needed it adds 2; if removing 1.5 is right it removes 1" [ASG]); rounding the
 * resulting capacity up satisfies both directions (assumption `targetTracking.capacityFormula`).
 */
export function targetTrackingCapacity({ running, metric, target }: TargetTrackingInput): number {
  if (!(target > 0)) throw new Error(`target tracking: TargetValue must be > 0, got ${target}`);
  const raw = (running * metric) / target;
  return Math.max(0, Math.ceil(raw - CAPACITY_ROUNDING_EPSILON));
}

/**
 * Scale from zero: with no running task and a datapoint that shows demand, target tracking "scales out by
 * the minimum possible amount as a starting point and then resumes scaling based on the actual running
 * task count" [ECS]. The minimum possible amount is one task.
 */
export const SCALE_FROM_ZERO_STEP = 1;

// ---------------------------------------------------------------------------------------------------------
// Alarms a target-tracking policy creates
// ---------------------------------------------------------------------------------------------------------

/** Shape of one alarm created by a target-tracking policy; the threshold is `thresholdFactor × target`. */
export interface TargetTrackingAlarmSpec {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly thresholdFactor: number;
  readonly treatMissingData: TreatMissingData;
}

/**
 * Assumption `targetTracking.scaleOutDatapoints` (observed, not documented): AlarmHigh is
 * "metric > target for 3 datapoints within 3 minutes" at a 60 s period.
 * https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md
 * Missing data is left at CloudWatch's default, "missing": target tracking does not scale on missing data
 * and never reads it as low utilisation [TT].
 */
export const TARGET_TRACKING_ALARM_HIGH: TargetTrackingAlarmSpec = {
  periodSeconds: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  comparisonOperator: "GreaterThanThreshold",
  thresholdFactor: 1,
  treatMissingData: "missing",
};

/**
 * Assumptions `targetTracking.scaleInDatapoints` and `targetTracking.scaleInThresholdFactor` (observed):
 * AlarmLow is "metric < 0.9 × target for 15 datapoints within 15 minutes" (same workshop; target 30 gives
 * "< 27 for 15 datapoints within 15 minutes"). AWS documents only that scale-in waits until the metric is
 * sufficiently below target [TT].
 */
export const TARGET_TRACKING_ALARM_LOW: TargetTrackingAlarmSpec = {
  periodSeconds: 60,
  evaluationPeriods: 15,
  datapointsToAlarm: 15,
  comparisonOperator: "LessThanThreshold",
  thresholdFactor: 0.9,
  treatMissingData: "missing",
};

/**
 * Assumption (chosen): the HighResolution predefined metrics publish every 20 s and the policy evaluates
 * every 20 s (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/target-tracking-faster-auto-scaling.html),
 * but the datapoint counts of the alarms are not published. Scale-out keeps 3 of 3 datapoints, so it
 * reacts after 60 s instead of 3 minutes (the point of the feature).
 */
export const TARGET_TRACKING_ALARM_HIGH_HIGH_RESOLUTION: TargetTrackingAlarmSpec = {
  ...TARGET_TRACKING_ALARM_HIGH,
  periodSeconds: 20,
};

/**
 * Assumption (chosen): scale-in with the HighResolution metrics keeps the cautious 15-minute window of the
 * standard alarm, i.e. 45 of 45 datapoints of 20 s below 0.9 × target.
 */
export const TARGET_TRACKING_ALARM_LOW_HIGH_RESOLUTION: TargetTrackingAlarmSpec = {
  ...TARGET_TRACKING_ALARM_LOW,
  periodSeconds: 20,
  evaluationPeriods: 45,
  datapointsToAlarm: 45,
};

export interface TargetTrackingAlarmOptions {
  /** Use the 20-second variants (HighResolution predefined metrics). */
  readonly highResolution?: boolean;
  /** Field-by-field overrides of the high (scale-out) alarm. */
  readonly high?: Partial<TargetTrackingAlarmSpec>;
  /** Field-by-field overrides of the low (scale-in) alarm. */
  readonly low?: Partial<TargetTrackingAlarmSpec>;
}

/** The two CloudWatch alarms of a target-tracking policy with this target value. */
export function targetTrackingAlarms(
  target: number,
  opts: TargetTrackingAlarmOptions = {},
): { readonly high: AlarmConfig; readonly low: AlarmConfig } {
  const hi = {
    ...(opts.highResolution ? TARGET_TRACKING_ALARM_HIGH_HIGH_RESOLUTION : TARGET_TRACKING_ALARM_HIGH),
    ...opts.high,
  };
  const lo = {
    ...(opts.highResolution ? TARGET_TRACKING_ALARM_LOW_HIGH_RESOLUTION : TARGET_TRACKING_ALARM_LOW),
    ...opts.low,
  };
  return { high: alarmOf(hi, target), low: alarmOf(lo, target) };
}

function alarmOf(spec: TargetTrackingAlarmSpec, target: number): AlarmConfig {
  return {
    periodSeconds: spec.periodSeconds,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    threshold: spec.thresholdFactor * target,
    comparisonOperator: spec.comparisonOperator,
    treatMissingData: spec.treatMissingData,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One policy's decision
// ---------------------------------------------------------------------------------------------------------

export type ScaleDirection = "out" | "in" | "none";

/** What one policy asks for at one evaluation. */
export interface PolicyDecision {
  readonly policy: string;
  /** Kind of the policy that decided ("targetTracking", "step", …); its part in arbitration is a PolicyArbitration. */
  readonly kind: string;
  readonly direction: ScaleDirection;
  /** Desired capacity the policy asks for (unclamped); equals the current desired count when "none". */
  readonly capacity: number;
  /** False when DisableScaleIn is set: such a policy is left out of the scale-in vote [TT][API]. */
  readonly scaleInEnabled: boolean;
  readonly reason: string;
}

export interface TargetTrackingDecisionInput {
  readonly policy: string;
  /** Current desired count of the service. */
  readonly desired: number;
  /** RUNNING task count, the starting point of the calculation [ECS]. */
  readonly running: number;
  /** Latest aggregated metric value; null when the latest datapoint is missing. */
  readonly metric: number | null;
  readonly target: number;
  readonly highAlarm: AlarmState;
  readonly lowAlarm: AlarmState;
  /** DisableScaleIn (default false) [API]. */
  readonly disableScaleIn?: boolean;
}

/**
 * What a target-tracking policy asks for, from its two alarms and the latest metric. AlarmHigh in ALARM
 * scales out; AlarmLow in ALARM scales in unless DisableScaleIn; missing data never scales [TT].
 */
export function targetTrackingDecision(d: TargetTrackingDecisionInput): PolicyDecision {
  const scaleInEnabled = !d.disableScaleIn;
  // The reason text is built only when read (a decision to do nothing is rarely logged).
  const none = (reason: string | (() => string)): PolicyDecision =>
    new TargetTrackingDecision(d.policy, "none", d.desired, scaleInEnabled, reason);
  if (d.running === 0 && d.desired === 0) {
    // Scale from zero [ECS]: "waits for one data point" showing demand, then scales out by the minimum
    // possible amount; later evaluations follow the running count.
    if (d.metric !== null && d.metric > 0) {
      return {
        policy: d.policy,
        kind: "targetTracking",
        direction: "out",
        capacity: SCALE_FROM_ZERO_STEP,
        scaleInEnabled,
        reason: `no task and a datapoint shows demand (${fmt(d.metric)}): scale out by ${SCALE_FROM_ZERO_STEP} to start`,
      };
    }
    return none("no task and no datapoint showing demand");
  }
  if (d.highAlarm === "ALARM") {
    if (d.metric === null) return none("AlarmHigh in ALARM but the latest datapoint is missing");
    const capacity = targetTrackingCapacity({ running: d.running, metric: d.metric, target: d.target });
    const { running, metric, target, desired } = d;
    const why = () => `AlarmHigh: ceil(${running} running × ${fmt(metric)} / ${fmt(target)}) = ${capacity}`;
    if (capacity > d.desired)
      return new TargetTrackingDecision(d.policy, "out", capacity, scaleInEnabled, why);
    return none(() => `${why()}; not above desired ${desired}`);
  }
  if (d.lowAlarm === "ALARM") {
    if (!scaleInEnabled) return none("AlarmLow in ALARM but DisableScaleIn is set");
    if (d.metric === null) return none("AlarmLow in ALARM but the latest datapoint is missing");
    const capacity = targetTrackingCapacity({ running: d.running, metric: d.metric, target: d.target });
    const { running, metric, target, desired } = d;
    const why = () => `AlarmLow: ceil(${running} running × ${fmt(metric)} / ${fmt(target)}) = ${capacity}`;
    // Built when read: at the minimum capacity this scale-in is refused every period and logged once.
    if (capacity < d.desired)
      return new TargetTrackingDecision(d.policy, "in", capacity, scaleInEnabled, why);
    return none(() => `${why()}; not below desired ${desired}`);
  }
  if (d.highAlarm === "INSUFFICIENT_DATA" || d.lowAlarm === "INSUFFICIENT_DATA") {
    return none("alarm in INSUFFICIENT_DATA: no scaling until data returns");
  }
  return none("metric within the alarm thresholds");
}

/** A target-tracking policy's decision; its reason text is built when read. */
class TargetTrackingDecision implements PolicyDecision {
  readonly kind = "targetTracking";
  constructor(
    readonly policy: string,
    readonly direction: ScaleDirection,
    readonly capacity: number,
    readonly scaleInEnabled: boolean,
    private readonly why: string | (() => string),
  ) {}
  get reason(): string {
    return typeof this.why === "string" ? this.why : this.why();
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000);
}

// ---------------------------------------------------------------------------------------------------------
// Several policies on one service
// ---------------------------------------------------------------------------------------------------------

/**
 * A policy's part in arbitration between the policies of one scalable target [TT][PSP]: whether its scale-in
 * waits for the other joint policies, and whose cooldown timers it starts.
 */
export interface PolicyArbitration {
  /**
   * "joint": scale in only when every joint policy with scale-in enabled is ready (target tracking [TT]);
   * "alone": the policy's scale-in is not held by the others (step scaling [TT]).
   */
  readonly scaleIn: "joint" | "alone";
  /**
   * The cooldown lengths the policy starts on the target's shared timers when it acts (target tracking), or
   * "own": the policy keeps its own cooldown, already applied to its proposal (step scaling).
   */
  readonly cooldown: { readonly scaleOutMs: number; readonly scaleInMs: number } | "own";
}

/** Whether a decision's policy takes part in the joint scale-in vote. */
export type JointScaleIn = (d: PolicyDecision) => boolean;

/** Without runners to ask (pure use): target-tracking decisions vote jointly, any other kind acts alone [TT]. */
const TARGET_TRACKING_VOTES: JointScaleIn = (d) => d.kind === "targetTracking";

export interface CombinedDecision {
  readonly direction: ScaleDirection;
  /** Desired capacity to set (before min/max clamping and cooldowns); the current one when "none". */
  readonly capacity: number;
  /** Policy whose proposal won, if any. */
  readonly policy: string | null;
  /** Built when read: most evaluations that do not scale are never logged. */
  readonly reason: string;
  /** Some joint policies are ready to scale in and another is not (the reason says which). */
  readonly held?: boolean;
}

/**
 * Arbitration between the policies of one scalable target [TT][PSP]:
 *  - scale out if ANY policy is ready to scale out;
 *  - scale in only if ALL target-tracking policies with scale-in enabled are ready to scale in; a step
 *    policy's scale-in is not blocked by target-tracking policies that are not ready [TT] (`joint` tells
 *    which decisions vote: the controller asks each policy's PolicyArbitration);
 *  - when several policies fire, the one giving the LARGEST capacity wins, in both directions
 *    (+3 vs +200% at capacity 10 -> 30 [PSP]).
 */
export function combinePolicyDecisions(
  current: number,
  decisions: ReadonlyArray<PolicyDecision>,
  joint: JointScaleIn = TARGET_TRACKING_VOTES,
): CombinedDecision {
  let best: PolicyDecision | null = null;
  let outs = 0;
  for (const d of decisions) {
    if (d.direction !== "out") continue;
    outs++;
    if (best === null || d.capacity > best.capacity) best = d;
  }
  if (best !== null) {
    return new Combined("out", best.capacity, best.policy, best, outs);
  }

  // Scale-in: target-tracking policies vote together; step policies act alone.
  let ttVoters = 0;
  let ttReady = 0;
  let blocker: PolicyDecision | null = null;
  for (const d of decisions) {
    if (!joint(d) || !d.scaleInEnabled) continue;
    ttVoters++;
    if (d.direction === "in") ttReady++;
    else if (blocker === null) blocker = d;
  }
  const ttAgree = ttVoters > 0 && ttReady === ttVoters;
  let ins = 0;
  for (const d of decisions) {
    if (d.direction !== "in") continue;
    if (joint(d) && (!ttAgree || !d.scaleInEnabled)) continue;
    ins++;
    if (best === null || d.capacity > best.capacity) best = d;
  }
  if (best !== null) {
    return new Combined("in", best.capacity, best.policy, best, ins);
  }
  if (ttReady > 0 && blocker !== null) {
    return new Combined("none", current, null, blocker, 0);
  }
  return new Combined("none", current, null, null, 0);
}

/**
 * A combined decision; its reason text is built when read. `from` is the winning proposal (scale out or
 * in, one of `proposals`), or the policy that holds a joint scale-in ("none"), or null.
 */
class Combined implements CombinedDecision {
  constructor(
    readonly direction: ScaleDirection,
    readonly capacity: number,
    readonly policy: string | null,
    private readonly from: PolicyDecision | null,
    private readonly proposals: number,
  ) {}
  get held(): boolean {
    return this.direction === "none" && this.from !== null;
  }
  get reason(): string {
    const b = this.from;
    if (b === null) return "no policy asks to scale";
    if (this.direction === "none") return `scale-in held: ${b.policy} is not ready to scale in (${b.reason})`;
    const verb = this.direction === "out" ? "scale out" : "scale in";
    return this.proposals > 1
      ? `${verb}: ${b.policy} gives the largest capacity (${b.capacity}) of ${this.proposals} ${verb.replace(" ", "-")} proposals`
      : `${verb}: ${b.policy} (${b.reason})`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Min/max clamping
// ---------------------------------------------------------------------------------------------------------

export interface CapacityLimitInput {
  /** Current desired count (may lie outside [min, max] after a manual change or a new schedule). */
  readonly current: number;
  readonly proposed: number;
  readonly direction: ScaleDirection;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

export interface CapacityChange {
  /** Desired count to set, or null when nothing changes. */
  readonly capacity: number | null;
  readonly reason: string;
}

/**
 * Base that a relative adjustment (step policies) starts from [ECS]: below min, a scale-out first raises
 * the desired count to min "and then continues to scale out as required"; above max, a scale-in first
 * lowers it to max and then continues.
 */
export function scalingBase(
  current: number,
  direction: ScaleDirection,
  minCapacity: number,
  maxCapacity: number,
) {
  if (direction === "out" && current < minCapacity) return minCapacity;
  if (direction === "in" && current > maxCapacity) return maxCapacity;
  return current;
}

/**
 * Min/max rules for policy-driven changes [ECS]:
 *  - desired below min and a scale-out fires: go to at least min, then as the policy asks (up to max);
 *    a scale-in does nothing (already below min);
 *  - desired above max and a scale-in fires: go to at most max, then as the policy asks (down to min);
 *    a scale-out does nothing (already above max);
 *  - otherwise the proposal is clamped to [min, max].
 */
export function applyCapacityLimits(c: CapacityLimitInput): CapacityChange {
  const { current, proposed, direction, minCapacity: min, maxCapacity: max } = c;
  if (direction === "none") return { capacity: null, reason: "no scaling requested" };
  if (direction === "out") {
    if (current > max)
      return { capacity: null, reason: `scale-out ignored: desired ${current} is above max ${max}` };
    const next = Math.min(Math.max(proposed, min), max);
    if (next <= current) return { capacity: null, reason: `scale-out limited by max ${max}` };
    if (current < min)
      return { capacity: next, reason: `raised from ${current} to min ${min}, then to ${next}` };
    return {
      capacity: next,
      reason: next < proposed ? `scale out to ${next} (capped at max ${max})` : `scale out to ${next}`,
    };
  }
  if (current < min)
    return { capacity: null, reason: `scale-in ignored: desired ${current} is below min ${min}` };
  const next = Math.max(Math.min(proposed, max), min);
  if (next >= current) return { capacity: null, reason: `scale-in limited by min ${min}` };
  if (current > max)
    return { capacity: next, reason: `lowered from ${current} to max ${max}, then to ${next}` };
  return {
    capacity: next,
    reason: next > proposed ? `scale in to ${next} (held at min ${min})` : `scale in to ${next}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Cooldowns
// ---------------------------------------------------------------------------------------------------------

/** ECS defaults of ScaleOutCooldown and ScaleInCooldown, in milliseconds [API]. */
export const ECS_DEFAULT_SCALE_OUT_COOLDOWN_MS = 300_000;
export const ECS_DEFAULT_SCALE_IN_COOLDOWN_MS = 300_000;

export interface CooldownInput {
  /** Current desired count. */
  readonly current: number;
  /** Desired count the policies ask for (after arbitration and clamping). */
  readonly proposed: number;
  readonly now: number;
  /** End of the scale-out cooldown (ms); a past or absent value means none is running. */
  readonly scaleOutCooldownEndsAt?: number | null;
  readonly scaleInCooldownEndsAt?: number | null;
}

export interface CooldownDecision {
  /** Desired count to set, or null when nothing is set. */
  readonly capacity: number | null;
  readonly direction: ScaleDirection;
  /** True when this scale-out ends a running scale-in cooldown early. */
  readonly cancelsScaleInCooldown: boolean;
  readonly reason: string;
}

/**
 * Cooldown rules [TT][API][ECS] (cooldowns start when an activity completes; the controller records them):
 *  - during a scale-out cooldown the policy raises the desired count again only for a LARGER scale-out;
 *    capacity added by the previous scale-out counts toward the next one, so only the difference is
 *    added (a proposal computed from the running count is compared with the current desired count);
 *  - during a scale-in cooldown further scale-in is blocked;
 *  - a scale-out during a scale-in cooldown happens at once and ends that cooldown.
 */
export function applyCooldown(c: CooldownInput): CooldownDecision {
  const { current, proposed, now } = c;
  const outActive = c.scaleOutCooldownEndsAt != null && now < c.scaleOutCooldownEndsAt;
  const inActive = c.scaleInCooldownEndsAt != null && now < c.scaleInCooldownEndsAt;
  if (proposed > current) {
    const reason = outActive
      ? `scale out to ${proposed} during scale-out cooldown: larger than desired ${current}, adds the difference`
      : inActive
        ? `scale out to ${proposed} at once; ends the scale-in cooldown`
        : `scale out to ${proposed}`;
    return { capacity: proposed, direction: "out", cancelsScaleInCooldown: inActive, reason };
  }
  if (proposed < current) {
    if (inActive) {
      return {
        capacity: null,
        direction: "none",
        cancelsScaleInCooldown: false,
        reason: `scale-in to ${proposed} blocked by scale-in cooldown until ${c.scaleInCooldownEndsAt} ms`,
      };
    }
    return {
      capacity: proposed,
      direction: "in",
      cancelsScaleInCooldown: false,
      reason: `scale in to ${proposed}`,
    };
  }
  return {
    capacity: null,
    direction: "none",
    cancelsScaleInCooldown: false,
    reason: outActive ? "scale-out cooldown: proposal not larger than desired" : "no change",
  };
}
