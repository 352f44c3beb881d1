import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { MetricSeries } from "../cloudwatch/metric.js";
import type { DecisionSink } from "../decisions.js";
import {
  type AlarmConfig,
  type AlarmState,
  evaluateAlarm,
  evaluationRangeSize,
  INITIAL_ALARM_STATE,
} from "./alarm.js";
import {
  applyCapacityLimits,
  applyCooldown,
  combinePolicyDecisions,
  type PolicyDecision,
  targetTrackingAlarms,
  targetTrackingDecision,
} from "./target-tracking.js";

/** The ECS service as Application Auto Scaling sees it: `ecs:service:DesiredCount`. */
export interface ScalableTarget {
  readonly desiredCount: number;
  readonly runningCount: number;
  setDesiredCount(n: number): void;
}

export interface TargetTrackingPolicySpec {
  name: string;
  targetValue: number;
  metric: MetricSeries;
  metricName: string;
  scaleOutCooldownMs: TimeMs;
  scaleInCooldownMs: TimeMs;
  disableScaleIn: boolean;
  highResolution: boolean;
}

export interface ControllerOptions {
  minCapacity: number;
  maxCapacity: number;
  /** Assumption `metrics.publishDelay`. */
  publishDelayMs: TimeMs;
  /** Assumption `scaling.activityDuration`. */
  activityDurationMs: TimeMs;
  /** Assumptions `targetTracking.scaleOutDatapoints`, `…scaleInDatapoints`, `…scaleInThresholdFactor`. */
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  scaleInThresholdFactor: number;
}

interface PolicyState {
  spec: TargetTrackingPolicySpec;
  high: AlarmConfig;
  low: AlarmConfig;
  highState: AlarmState;
  lowState: AlarmState;
}

/**
 * Application Auto Scaling for one scalable target: owns the alarms' states and the cooldown timers, and
 * at every evaluation asks the pure functions in target-tracking.ts what to do.
 *
 * Alarms with Auto Scaling actions invoke the action once per period for as long as they stay in ALARM,
 * not only on the transition. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions
 */
export class ScalingController {
  private readonly policies: PolicyState[];
  private scaleOutCooldownEndsAt: TimeMs | null = null;
  private scaleInCooldownEndsAt: TimeMs | null = null;
  scaleOutEvents = 0;
  scaleInEvents = 0;
  /** Key of the last logged refusal: a refusal repeated every period is logged once until something changes. */
  private lastHold = "";

  constructor(
    private readonly sim: Simulation,
    private readonly target: ScalableTarget,
    policies: TargetTrackingPolicySpec[],
    private readonly opts: ControllerOptions,
    private readonly log: DecisionSink,
  ) {
    this.policies = policies.map((spec) => {
      const { high, low } = targetTrackingAlarms(spec.targetValue, {
        highResolution: spec.highResolution,
        high: { evaluationPeriods: opts.scaleOutDatapoints, datapointsToAlarm: opts.scaleOutDatapoints },
        low: spec.highResolution
          ? { thresholdFactor: opts.scaleInThresholdFactor }
          : {
              evaluationPeriods: opts.scaleInDatapoints,
              datapointsToAlarm: opts.scaleInDatapoints,
              thresholdFactor: opts.scaleInThresholdFactor,
            },
      });
      return { spec, high, low, highState: INITIAL_ALARM_STATE, lowState: INITIAL_ALARM_STATE };
    });
  }

  /** Evaluate at the end of every metric period (plus the publish delay). */
  start(): void {
    const periods = new Set(this.policies.map((p) => p.spec.metric.periodMs));
    for (const period of periods) {
      this.sim.every(period, (now) => this.evaluate(now), Phase.control, period + this.opts.publishDelayMs);
    }
  }

  private evaluate(now: TimeMs): void {
    const decisions: PolicyDecision[] = [];
    const inputs: Record<string, unknown> = {};
    for (const p of this.policies) {
      const series = p.spec.metric;
      const visible = series.visibleCount(now, this.opts.publishDelayMs);
      const recent = series.datapoints.slice(
        Math.max(0, visible - Math.max(evaluationRangeSize(p.high), evaluationRangeSize(p.low))),
        visible,
      );
      p.highState = evaluateAlarm(p.high, recent, p.highState);
      p.lowState = evaluateAlarm(p.low, recent, p.lowState);
      const metric = recent.length > 0 ? recent[recent.length - 1] : null;
      decisions.push(
        targetTrackingDecision({
          policy: p.spec.name,
          desired: this.target.desiredCount,
          running: this.target.runningCount,
          metric,
          target: p.spec.targetValue,
          highAlarm: p.highState,
          lowAlarm: p.lowState,
          disableScaleIn: p.spec.disableScaleIn,
        }),
      );
      inputs[p.spec.name] = {
        metric: p.spec.metricName,
        value: metric === null ? null : round(metric),
        target: p.spec.targetValue,
        alarmHigh: p.highState,
        alarmLow: p.lowState,
      };
    }
    const current = this.target.desiredCount;
    const combined = combinePolicyDecisions(current, decisions);
    if (combined.direction === "none") return;
    const limited = applyCapacityLimits({
      current,
      proposed: combined.capacity,
      direction: combined.direction,
      minCapacity: this.opts.minCapacity,
      maxCapacity: this.opts.maxCapacity,
    });
    const base = {
      t: now / 1000,
      controller: "applicationAutoScaling",
      policy: combined.policy,
      running: this.target.runningCount,
      inputs,
    };
    if (limited.capacity === null) {
      this.hold(base, current, `${combined.reason}; ${limited.reason}`, limited.reason);
      return;
    }
    const cd = applyCooldown({
      current,
      proposed: limited.capacity,
      now,
      scaleOutCooldownEndsAt: this.scaleOutCooldownEndsAt,
      scaleInCooldownEndsAt: this.scaleInCooldownEndsAt,
    });
    if (cd.capacity === null || cd.capacity === current) {
      this.hold(base, current, `${combined.reason}; ${cd.reason}`, cd.direction);
      return;
    }
    this.lastHold = "";
    const acted = this.policies.find((p) => p.spec.name === combined.policy)?.spec;
    // A cooldown starts when the scaling activity completes.
    const completes = now + this.opts.activityDurationMs;
    if (cd.direction === "out") {
      this.scaleOutEvents++;
      this.scaleOutCooldownEndsAt = completes + (acted?.scaleOutCooldownMs ?? 0);
      if (cd.cancelsScaleInCooldown) this.scaleInCooldownEndsAt = null;
    } else {
      this.scaleInEvents++;
      this.scaleInCooldownEndsAt = completes + (acted?.scaleInCooldownMs ?? 0);
    }
    this.log({
      ...base,
      action: cd.direction === "out" ? "scale-out" : "scale-in",
      from: current,
      to: cd.capacity,
      reason: `${combined.reason}; ${limited.reason}; ${cd.reason}`,
    });
    const to = cd.capacity;
    if (this.opts.activityDurationMs > 0)
      this.sim.after(this.opts.activityDurationMs, () => this.target.setDesiredCount(to));
    else this.target.setDesiredCount(to);
  }

  private hold(
    base: Record<string, unknown> & { t: number; controller: string },
    current: number,
    reason: string,
    kind: string,
  ): void {
    const key = `${current}|${kind}`;
    if (key === this.lastHold) return;
    this.lastHold = key;
    this.log({ ...base, action: "hold", from: current, to: current, reason });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
