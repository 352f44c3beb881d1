import type { TimeMs } from "../../engine/time.js";
import type { PolicyInputs, TargetTrackingInputs } from "../decisions.js";
import {
  type AlarmConfig,
  type AlarmState,
  evaluateAlarm,
  evaluationRangeSize,
  INITIAL_ALARM_STATE,
} from "./alarm.js";
import type { MetricSource } from "./metric-registry.js";
import {
  type PolicyArbitration,
  type PolicyDecision,
  type TargetTrackingDecisionInput,
  targetTrackingDecision,
} from "./target-tracking.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the controller tells a policy at one evaluation. */
export interface EvaluationContext {
  readonly now: TimeMs;
  /** Current desired count. */
  readonly desired: number;
  /** RUNNING tasks, the basis of target tracking. */
  readonly running: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly publishDelayMs: TimeMs;
  /**
   * Dynamic scaling was just resumed: a policy whose alarm is in breach acts now, even without a new
   * datapoint (ScalingController.setSuspendedState).
   */
  readonly resumed?: boolean;
}

/**
 * One dynamic scaling policy of a scalable target (target tracking or step scaling): it owns its alarms'
 * states and answers, at each evaluation, what it asks for. The controller arbitrates between policies,
 * applies min/max and cooldowns, and tells every policy when an activity completes.
 */
export interface PolicyRunner {
  readonly name: string;
  /** The policy's kind, for its decisions ("targetTracking", "step", …). */
  readonly kind: string;
  /** Its part in arbitration: joint or lone scale-in, shared or own cooldown (target-tracking.ts). */
  readonly arbitration: PolicyArbitration;
  /** How often the policy's alarms are evaluated (every minute for periods of a minute or more): the controller wakes up at this period. */
  readonly periodMs: TimeMs;
  /** Update the alarms from the visible datapoints; null when the policy has nothing to say now. */
  evaluate(ctx: EvaluationContext): PolicyDecision | null;
  /** Metric values and alarm states of the latest evaluation, for the decision log. */
  readonly inputs: PolicyInputs;
  /** A scaling activity completes at `completesAt`; `own` when this policy's proposal was applied. */
  acted(direction: "out" | "in", own: boolean, completesAt: TimeMs): void;
  /** The policy's own cooldown, if it keeps one (step policies), for the decision log. */
  cooldown?(now: TimeMs): { direction: "out" | "in"; endsAtS: number } | null;
}

export interface TargetTrackingPolicySpec {
  name: string;
  targetValue: number;
  metric: MetricSource;
  metricName: string;
  scaleOutCooldownMs: TimeMs;
  scaleInCooldownMs: TimeMs;
  disableScaleIn: boolean;
  highResolution: boolean;
}

/**
 * A target-tracking policy: its AlarmHigh and AlarmLow on the tracked metric, and the capacity
 * ceil(running × metric / target) when one of them is in ALARM (target-tracking.ts). Its cooldowns are
 * kept by the controller, shared by the target's target-tracking policies.
 */
export class TargetTrackingRunner implements PolicyRunner {
  readonly kind = "targetTracking";
  readonly name: string;
  readonly periodMs: TimeMs;
  /** Target-tracking policies vote together on scale-in and start the target's shared cooldowns [TT]. */
  readonly arbitration: PolicyArbitration;
  private highState: AlarmState = INITIAL_ALARM_STATE;
  private lowState: AlarmState = INITIAL_ALARM_STATE;
  /** The decision's input, rewritten at each evaluation (targetTrackingDecision keeps no reference to it). */
  private readonly decisionInput: Mutable<TargetTrackingDecisionInput>;
  /** The latest datapoint read (undefined: not evaluated yet). */
  private lastMetric: number | null | undefined = undefined;

  constructor(
    readonly spec: TargetTrackingPolicySpec,
    private readonly high: AlarmConfig,
    private readonly low: AlarmConfig,
  ) {
    this.name = spec.name;
    this.decisionInput = {
      policy: spec.name,
      desired: 0,
      running: 0,
      metric: null,
      target: spec.targetValue,
      highAlarm: INITIAL_ALARM_STATE,
      lowAlarm: INITIAL_ALARM_STATE,
      disableScaleIn: spec.disableScaleIn,
    };
    this.periodMs = spec.metric.evaluationMs;
    this.arbitration = {
      scaleIn: "joint",
      cooldown: { scaleOutMs: spec.scaleOutCooldownMs, scaleInMs: spec.scaleInCooldownMs },
    };
  }

  evaluate(ctx: EvaluationContext): PolicyDecision {
    const recent = this.spec.metric.recent(
      ctx.now,
      ctx.publishDelayMs,
      Math.max(evaluationRangeSize(this.high), evaluationRangeSize(this.low)),
    );
    this.highState = evaluateAlarm(this.high, recent, this.highState);
    this.lowState = evaluateAlarm(this.low, recent, this.lowState);
    const metric = recent.length > 0 ? recent[recent.length - 1] : null;
    this.lastMetric = metric;
    const d = this.decisionInput;
    d.desired = ctx.desired;
    d.running = ctx.running;
    d.metric = metric;
    d.highAlarm = this.highState;
    d.lowAlarm = this.lowState;
    return targetTrackingDecision(d);
  }

  /** What the last evaluation read (built when a decision is logged, not at every evaluation). */
  get inputs(): TargetTrackingInputs | Readonly<Record<string, never>> {
    const metric = this.lastMetric;
    if (metric === undefined) return {};
    return {
      metric: this.spec.metricName,
      value: metric === null ? null : round(metric),
      target: this.spec.targetValue,
      alarmHigh: this.highState,
      alarmLow: this.lowState,
    };
  }

  acted(): void {}
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
