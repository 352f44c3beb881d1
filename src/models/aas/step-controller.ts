import type { TimeMs } from "../../engine/time.js";
import type { StepScalingInputs } from "../decisions.js";
import {
  type AlarmConfig,
  type AlarmState,
  explainAlarm,
  evaluationRangeSize,
  INITIAL_ALARM_STATE,
} from "./alarm.js";
import type { MetricSource } from "./metric-registry.js";
import { type EvaluationContext, type PolicyRunner, round } from "./policy-runner.js";
import {
  type AdjustmentType,
  aggregate,
  ECS_DEFAULT_STEP_COOLDOWN_MS,
  type MetricAggregationType,
  type StepAdjustment,
  type StepCooldownState,
  type StepPolicyDecision,
  selectStepAdjustment,
  stepCapacity,
  stepCooldownAfter,
  stepPolicyDecision,
} from "./step-scaling.js";
import { type PolicyArbitration, type PolicyDecision, scalingBase } from "./target-tracking.js";

/**
 * Assumption `stepScaling.aggregationWindow` (AWS says only that the policy "aggregates the metric data
 * points" of the alarm with MetricAggregationType): the aggregated value is taken over the alarm's
 * EvaluationPeriods most recent datapoints.
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 */
export const STEP_AGGREGATION_WINDOW = "evaluationPeriods" as const;

export interface StepPolicySpec {
  readonly name: string;
  readonly alarm: AlarmConfig;
  /** Metric the alarm watches, at the alarm's Period. */
  readonly metric: MetricSource;
  readonly metricName: string;
  readonly adjustmentType: AdjustmentType;
  readonly steps: ReadonlyArray<StepAdjustment>;
  readonly minAdjustmentMagnitude?: number | null;
  readonly cooldownMs?: TimeMs;
  readonly metricAggregationType?: MetricAggregationType;
}

/**
 * A step scaling policy and the CloudWatch alarm that invokes it. CloudWatch evaluates the alarm every minute
 * (each Period when it is shorter) over the sliding window of Period × EvaluationPeriods
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html); while it is in
 * ALARM it invokes the policy at every evaluation, not only on the transition
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions).
 * The policy aggregates the recent datapoints, picks the step whose interval holds the value (bounds are
 * relative to the alarm threshold) and asks for the step's adjustment, honouring its own cooldown
 * (step-scaling.ts).
 */
export class StepPolicyRunner implements PolicyRunner {
  readonly kind = "step";
  /**
   * A step policy's scale-in is not held by target-tracking policies, and it keeps its own cooldown.
   * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
   * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
   */
  readonly arbitration: PolicyArbitration = { scaleIn: "alone", cooldown: "own" };
  readonly name: string;
  readonly periodMs: TimeMs;
  private state: AlarmState = INITIAL_ALARM_STATE;
  private seen = 0;
  private cool: StepCooldownState | null = null;
  private last: StepPolicyDecision | null = null;
  inputs: StepScalingInputs | Readonly<Record<string, never>> = {};

  constructor(readonly spec: StepPolicySpec) {
    this.name = spec.name;
    this.periodMs = spec.metric.evaluationMs;
  }

  evaluate(ctx: EvaluationContext): PolicyDecision | null {
    const s = this.spec;
    // The alarm is evaluated every minute (once per period below a minute) over the window of its Period ×
    // EvaluationPeriods ending then: nothing new, nothing to say (unless scaling was just resumed: then an
    // alarm in breach invokes the policy at once).
    const evaluation = Math.floor((ctx.now - ctx.publishDelayMs) / s.metric.evaluationMs);
    if (evaluation === this.seen && !ctx.resumed) return null;
    this.seen = evaluation;
    const recent = s.metric.recent(ctx.now, ctx.publishDelayMs, evaluationRangeSize(s.alarm));
    const ev = explainAlarm(s.alarm, recent, this.state);
    this.state = ev.state;
    const window = recent.slice(Math.max(0, recent.length - s.alarm.evaluationPeriods));
    const value = aggregate(window, s.metricAggregationType);
    const inputs: StepScalingInputs = {
      metric: s.metricName,
      value: value === null ? null : round(value),
      threshold: s.alarm.threshold,
      alarm: this.state,
      alarmReason: ev.reason,
    };
    this.inputs = inputs;
    this.last = null;
    const none = (reason: string): PolicyDecision => ({
      policy: s.name,
      kind: "step",
      direction: "none",
      capacity: ctx.desired,
      scaleInEnabled: true,
      reason,
    });
    if (this.state !== "ALARM") return none(`alarm ${this.state}`);
    if (value === null) return none("alarm in ALARM but no datapoint to aggregate");
    const i = selectStepAdjustment(s.steps, s.alarm.threshold, value);
    if (i < 0)
      return none(`${s.metricAggregationType ?? "Average"} ${round(value)} matches no step adjustment`);
    const adj = {
      adjustmentType: s.adjustmentType,
      scalingAdjustment: s.steps[i].scalingAdjustment,
      minAdjustmentMagnitude: s.minAdjustmentMagnitude ?? null,
    };
    // Below min a scale-out starts from min; above max a scale-in starts from max (service-auto-scaling.html).
    const raw = stepCapacity({ ...adj, current: ctx.desired });
    const dir = raw > ctx.desired ? "out" : raw < ctx.desired ? "in" : "none";
    const base = scalingBase(ctx.desired, dir, ctx.minCapacity, ctx.maxCapacity);
    const d = stepPolicyDecision({
      ...adj,
      policy: s.name,
      current: base,
      now: ctx.now,
      cooldown: this.cool,
    });
    inputs.step = i;
    this.last = d;
    return {
      ...d,
      reason: `alarm ALARM, ${s.metricAggregationType ?? "Average"} ${round(value)}: ${d.reason}`,
    };
  }

  acted(direction: "out" | "in", own: boolean, completesAt: TimeMs): void {
    if (own && this.last !== null && this.last.direction === direction) {
      this.cool = stepCooldownAfter(
        this.last,
        completesAt,
        this.spec.cooldownMs ?? ECS_DEFAULT_STEP_COOLDOWN_MS,
        this.cool,
      );
    } else if (
      direction === "out" &&
      this.cool !== null &&
      this.cool.direction === "in" &&
      completesAt < this.cool.endsAt
    ) {
      // A scale-out ends a scale-in cooldown (assumption `scaling.cooldownScope`).
      this.cool = null;
    }
  }

  cooldown(now: TimeMs): { direction: "out" | "in"; endsAtS: number } | null {
    if (this.cool === null || now >= this.cool.endsAt) return null;
    return { direction: this.cool.direction, endsAtS: this.cool.endsAt / 1000 };
  }
}
