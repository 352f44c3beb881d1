import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type {
  CooldownState,
  DecisionSink,
  ForecastHourInputs,
  ForecastInputs,
  PolicyInputs,
  PolicyScalingDecision,
} from "../decisions.js";
import type { AlarmConfig } from "./alarm.js";
import {
  type EvaluationContext,
  type PolicyRunner,
  TargetTrackingRunner,
  type TargetTrackingPolicySpec,
} from "./policy-runner.js";
import { applySuspendedState, type SuspendedStatePatch, suspendedStateDiff } from "./suspension.js";
import {
  applyCapacityLimits,
  applyCooldown,
  combinePolicyDecisions,
  type JointScaleIn,
  type PolicyDecision,
  targetTrackingAlarms,
} from "./target-tracking.js";

export type { TargetTrackingPolicySpec } from "./policy-runner.js";

/** The ECS service as Application Auto Scaling sees it: `ecs:service:DesiredCount`. */
export interface ScalableTarget {
  readonly desiredCount: number;
  readonly runningCount: number;
  setDesiredCount(n: number): void;
}

/** RegisterScalableTarget's SuspendedState (all false by default). */
export interface SuspendedFlags {
  readonly DynamicScalingInSuspended: boolean;
  readonly DynamicScalingOutSuspended: boolean;
  readonly ScheduledScalingSuspended: boolean;
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
  /** Assumption `targetTracking.highResolutionScaleInDatapoints` (default 45 of 20 s). */
  highResolutionScaleInDatapoints?: number;
  /** Assumption `cloudwatch.evaluationRangeExtraPeriods` (default 2). */
  evaluationRangeExtraPeriods?: number;
  suspendedState?: SuspendedFlags;
}

/** Alarms of a target-tracking policy with the assumptions in force. */
export function targetTrackingAlarmsFor(
  spec: Pick<TargetTrackingPolicySpec, "targetValue" | "highResolution">,
  opts: ControllerOptions,
): { high: AlarmConfig; low: AlarmConfig } {
  const inN = spec.highResolution ? (opts.highResolutionScaleInDatapoints ?? 45) : opts.scaleInDatapoints;
  const { high, low } = targetTrackingAlarms(spec.targetValue, {
    highResolution: spec.highResolution,
    high: { evaluationPeriods: opts.scaleOutDatapoints, datapointsToAlarm: opts.scaleOutDatapoints },
    low: { evaluationPeriods: inN, datapointsToAlarm: inN, thresholdFactor: opts.scaleInThresholdFactor },
  });
  const extra = opts.evaluationRangeExtraPeriods;
  if (extra === undefined) return { high, low };
  return {
    high: { ...high, evaluationRange: high.evaluationPeriods + extra },
    low: { ...low, evaluationRange: low.evaluationPeriods + extra },
  };
}

/**
 * Application Auto Scaling for one scalable target: owns the policies (target tracking, step; each keeps
 * its alarms), the target-tracking cooldown timers, the current min/max (changed by scheduled actions and
 * predictive scaling) and the suspend flags; at every evaluation it asks each policy what it wants and
 * arbitrates with the pure functions of target-tracking.ts.
 *
 * Alarms with Auto Scaling actions invoke the action once per period for as long as they stay in ALARM,
 * not only on the transition. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions
 */
export class ScalingController {
  private readonly runners: PolicyRunner[] = [];
  /** Each policy's runner by name (names are unique per target), for its part in arbitration. */
  private readonly byName = new Map<string, PolicyRunner>();
  private readonly joint: JointScaleIn = (d) => this.byName.get(d.policy)?.arbitration.scaleIn === "joint";
  minCapacity: number;
  maxCapacity: number;
  /** Replaced, never mutated, by setSuspendedState. */
  suspended: SuspendedFlags;
  private scaleOutCooldownEndsAt: TimeMs | null = null;
  private scaleInCooldownEndsAt: TimeMs | null = null;
  /** Capacity a ForecastAndScale predictive policy asks for in the current hour (the largest request wins). */
  private floor = 0;
  private floorPolicy = "";
  private lastEvaluatedAt = -1;
  scaleOutEvents = 0;
  scaleInEvents = 0;
  /** Key of the last logged refusal: a refusal repeated every period is logged once until something changes. */
  private lastHoldCurrent = Number.NaN;
  private lastHoldKind: string | null = null;
  /** The evaluation's decisions (reused: one evaluation at a time). */
  private readonly decisions: PolicyDecision[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly target: ScalableTarget,
    policies: TargetTrackingPolicySpec[],
    private readonly opts: ControllerOptions,
    private readonly log: DecisionSink,
  ) {
    this.minCapacity = opts.minCapacity;
    this.maxCapacity = opts.maxCapacity;
    this.suspended = opts.suspendedState ?? {
      DynamicScalingInSuspended: false,
      DynamicScalingOutSuspended: false,
      ScheduledScalingSuspended: false,
    };
    for (const spec of policies) {
      const { high, low } = targetTrackingAlarmsFor(spec, opts);
      this.addPolicy(new TargetTrackingRunner(spec, high, low));
    }
  }

  /** Add a policy (step scaling, or a target-tracking runner built elsewhere). Call before start(). */
  addPolicy(runner: PolicyRunner): void {
    this.runners.push(runner);
    this.byName.set(runner.name, runner);
  }

  get policyCount(): number {
    return this.runners.length;
  }

  /** Evaluate at the end of every metric period (plus the publish delay). */
  start(): void {
    const periods = [...new Set(this.runners.map((p) => p.periodMs))].sort((a, b) => a - b);
    for (const period of periods) {
      this.sim.every(period, (now) => this.evaluate(now), Phase.control, period + this.opts.publishDelayMs);
    }
  }

  private evaluate(now: TimeMs, resumed = false): void {
    // Policies with different periods wake the controller at the same instant: evaluate once.
    if (now === this.lastEvaluatedAt && !resumed) return;
    this.lastEvaluatedAt = now;
    const current = this.target.desiredCount;
    const ctx: EvaluationContext = {
      resumed,
      now,
      desired: current,
      running: this.target.runningCount,
      minCapacity: this.minCapacity,
      maxCapacity: this.maxCapacity,
      publishDelayMs: this.opts.publishDelayMs,
    };
    const decisions = this.decisions;
    decisions.length = 0;
    let suppressed: string[] | null = null;
    for (const r of this.runners) {
      const d = r.evaluate(ctx);
      if (d === null) continue;
      // SuspendedState: policy-driven scale-out / scale-in is ignored while suspended.
      // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
      if (d.direction === "out" && this.suspended.DynamicScalingOutSuspended) {
        suppressed ??= [];
        suppressed.push(`${d.policy} asks to scale out to ${d.capacity} but DynamicScalingOutSuspended`);
        decisions.push(overruled(d, current));
      } else if (d.direction === "in" && this.suspended.DynamicScalingInSuspended) {
        suppressed ??= [];
        suppressed.push(`${d.policy} asks to scale in to ${d.capacity} but DynamicScalingInSuspended`);
        decisions.push(overruled(d, current));
      } else decisions.push(d);
    }
    const combined = combinePolicyDecisions(current, decisions, this.joint);
    const base = new PolicyBaseOf(this.runners, now, combined.policy, this.target.runningCount);
    if (combined.direction === "none") {
      if (suppressed !== null) this.hold(now, base, current, suppressed.join("; "), "suspended");
      // Some target-tracking policies are ready to scale in, another is not: say which.
      else if (combined.held && !this.repeatsHold(current, "not-ready"))
        this.hold(now, base, current, combined.reason, "not-ready");
      return;
    }
    let proposed = combined.capacity;
    let floorNote = "";
    if (combined.direction === "in" && this.floor > proposed) {
      // The largest capacity any policy asks for wins: predictive scaling's forecast holds scale-in.
      // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html
      proposed = this.floor;
      floorNote = `; predictive policy ${this.floorPolicy} asks for ${this.floor} this hour`;
    }
    const limited = applyCapacityLimits({
      current,
      proposed,
      direction: combined.direction,
      minCapacity: this.minCapacity,
      maxCapacity: this.maxCapacity,
    });
    const hit = boundHit(proposed, this.minCapacity, this.maxCapacity);
    if (limited.capacity === null) {
      if (!this.repeatsHold(current, limited.reason))
        this.hold(
          now,
          base,
          current,
          `${combined.reason}${floorNote}; ${limited.reason}`,
          limited.reason,
          hit,
        );
      return;
    }
    const winner = this.runners.find((r) => r.name === combined.policy);
    const inActive = this.scaleInCooldownEndsAt !== null && now < this.scaleInCooldownEndsAt;
    // Step policies keep their own cooldown (already applied in their proposal); target tracking shares
    // the target's timers (each policy's PolicyArbitration says which).
    const shared = winner === undefined || winner.arbitration.cooldown !== "own";
    const cd = !shared
      ? {
          capacity: limited.capacity,
          direction: limited.capacity > current ? ("out" as const) : ("in" as const),
          cancelsScaleInCooldown: limited.capacity > current && inActive,
          reason:
            limited.capacity > current
              ? `scale out to ${limited.capacity}`
              : `scale in to ${limited.capacity}`,
        }
      : applyCooldown({
          current,
          proposed: limited.capacity,
          now,
          scaleOutCooldownEndsAt: this.scaleOutCooldownEndsAt,
          scaleInCooldownEndsAt: this.scaleInCooldownEndsAt,
        });
    if (cd.capacity === null || cd.capacity === current) {
      if (!this.repeatsHold(current, cd.direction))
        this.hold(now, base, current, `${combined.reason}${floorNote}; ${cd.reason}`, cd.direction, hit);
      return;
    }
    this.lastHoldKind = null;
    const cooldown = this.cooldownState(now);
    const acted =
      winner !== undefined && winner.arbitration.cooldown !== "own" ? winner.arbitration.cooldown : undefined;
    // A cooldown starts when the scaling activity completes.
    const completes = now + this.opts.activityDurationMs;
    const direction = cd.direction === "out" ? "out" : "in";
    if (direction === "out") {
      this.scaleOutEvents++;
      if (acted) this.scaleOutCooldownEndsAt = completes + acted.scaleOutMs;
      if (cd.cancelsScaleInCooldown) this.scaleInCooldownEndsAt = null;
    } else {
      this.scaleInEvents++;
      if (acted) this.scaleInCooldownEndsAt = completes + acted.scaleInMs;
    }
    for (const r of this.runners) r.acted(direction, r === winner, completes);
    this.log({
      ...base.fields(),
      action: direction === "out" ? "scale-out" : "scale-in",
      from: current,
      to: cd.capacity,
      reason: `${combined.reason}${floorNote}; ${limited.reason}; ${cd.reason}`,
      bounds: { min: this.minCapacity, max: this.maxCapacity, hit },
      cooldown,
    });
    this.setDesired(cd.capacity);
  }

  /**
   * A RegisterScalableTarget call with SuspendedState during the run (suspension.ts). Resuming dynamic
   * scaling evaluates at once the policies whose alarms are in breach ("When you resume scale in/out,
   * Application Auto Scaling evaluates policies with alarm thresholds that are currently in breach");
   * resuming scheduled scaling runs only the actions whose time has not yet passed, so the ones skipped
   * while suspended stay skipped.
   * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
   */
  setSuspendedState(now: TimeMs, patch: SuspendedStatePatch): void {
    const before = this.suspended;
    this.suspended = applySuspendedState(before, patch);
    const { suspended, resumed } = suspendedStateDiff(before, this.suspended);
    const d = this.target.desiredCount;
    const what = [
      suspended.length > 0 ? `suspended ${suspended.join(", ")}` : "",
      resumed.length > 0 ? `resumed ${resumed.join(", ")}` : "",
    ].filter(Boolean);
    const dynamic = resumed.some((f) => f.startsWith("Dynamic"));
    this.log({
      t: now / 1000,
      controller: "applicationAutoScaling",
      action: resumed.length > 0 ? "resume" : suspended.length > 0 ? "suspend" : "set-suspended-state",
      from: d,
      to: d,
      reason: `RegisterScalableTarget SuspendedState: ${what.join("; ") || "no change"}${dynamic ? "; policies whose alarms are in breach are evaluated now" : ""}${resumed.includes("ScheduledScalingSuspended") ? "; only scheduled actions whose time has not yet passed will run" : ""}`,
      suspendedState: { ...this.suspended },
    });
    this.lastHoldKind = null;
    if (dynamic && this.runners.length > 0) this.evaluate(now, true);
  }

  /**
   * A scheduled action at its time: set MinCapacity and/or MaxCapacity; a desired count below the new
   * minimum is raised to it, one above the new maximum lowered to it; otherwise capacity stays and the
   * policies keep scaling inside the new bounds. Not subject to cooldowns.
   * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
   */
  applyScheduled(
    now: TimeMs,
    name: string,
    min: number | undefined,
    max: number | undefined,
    reason: string,
  ): void {
    const base = {
      t: now / 1000,
      controller: "applicationAutoScaling.scheduled" as const,
      policy: name,
      running: this.target.runningCount,
    };
    const current = this.target.desiredCount;
    if (this.suspended.ScheduledScalingSuspended) {
      this.log({
        ...base,
        action: "skip",
        from: current,
        to: current,
        reason: `${reason}; ScheduledScalingSuspended: action skipped`,
      });
      return;
    }
    const newMin = min ?? this.minCapacity;
    const newMax = max ?? this.maxCapacity;
    if (newMin > newMax) {
      this.log({
        ...base,
        action: "failed",
        from: current,
        to: current,
        reason: `${reason}; MinCapacity ${newMin} would exceed MaxCapacity ${newMax}: action not applied`,
        bounds: { min: this.minCapacity, max: this.maxCapacity, hit: null },
      });
      return;
    }
    const before = `[${this.minCapacity}, ${this.maxCapacity}]`;
    this.minCapacity = newMin;
    this.maxCapacity = newMax;
    const to = Math.min(Math.max(current, newMin), newMax);
    const hit = to > current ? "min" : to < current ? "max" : null;
    this.log({
      ...base,
      action: to > current ? "scale-out" : to < current ? "scale-in" : "set-bounds",
      from: current,
      to,
      reason: `${reason}; min/max ${before} -> [${newMin}, ${newMax}]${hit === "min" ? `: desired raised to the new minimum` : hit === "max" ? `: desired lowered to the new maximum` : ": capacity within the new bounds"}`,
      bounds: { min: newMin, max: newMax, hit },
      cooldown: this.cooldownState(now),
    });
    if (to > current) this.scaleOutEvents++;
    else if (to < current) this.scaleInEvents++;
    if (to !== current) this.setDesired(to);
  }

  /**
   * A ForecastAndScale predictive policy at the start of a forecast hour (less SchedulingBufferTime): raise
   * the desired count to the forecast if it is lower, never lower it; the forecast also holds dynamic
   * scale-in for the hour. `maxCapacity` is the maximum in force for the forecast (IncreaseMaxCapacity).
   */
  applyPredictive(
    now: TimeMs,
    policy: string,
    capacity: number,
    maxCapacity: number,
    inputs: Readonly<Record<string, ForecastHourInputs>>,
  ): void {
    if (maxCapacity > this.maxCapacity) {
      // "The increased maximum capacity then becomes the new normal maximum capacity" (EC2 Auto Scaling
      // PredictiveScalingConfiguration); assumed the same for Application Auto Scaling.
      this.log({
        t: now / 1000,
        controller: "applicationAutoScaling.predictive",
        policy,
        action: "set-bounds",
        from: this.target.desiredCount,
        to: this.target.desiredCount,
        reason: `IncreaseMaxCapacity: max ${this.maxCapacity} -> ${maxCapacity} for a forecast of ${capacity}`,
        bounds: { min: this.minCapacity, max: maxCapacity, hit: null },
        inputs,
      });
      this.maxCapacity = maxCapacity;
    }
    const wanted = Math.min(Math.max(capacity, this.minCapacity), this.maxCapacity);
    this.floor = wanted;
    this.floorPolicy = policy;
    const current = this.target.desiredCount;
    if (wanted <= current) return;
    this.scaleOutEvents++;
    this.lastHoldKind = null;
    this.log({
      t: now / 1000,
      controller: "applicationAutoScaling.predictive",
      policy,
      running: this.target.runningCount,
      inputs,
      action: "scale-out",
      from: current,
      to: wanted,
      reason: `forecast capacity ${capacity} for the coming hour is above desired ${current}${wanted < capacity ? ` (held at max ${this.maxCapacity})` : ""}`,
      bounds: { min: this.minCapacity, max: this.maxCapacity, hit: wanted < capacity ? "max" : null },
      cooldown: this.cooldownState(now),
    });
    this.setDesired(wanted);
  }

  /** No forecast for the coming hour: the predictive policy no longer holds capacity. */
  releasePredictive(policy: string): void {
    if (this.floorPolicy === policy) this.floor = 0;
  }

  /** Log a predictive forecast (ForecastOnly and ForecastAndScale). */
  logForecast(now: TimeMs, policy: string, reason: string, inputs: ForecastInputs): void {
    const d = this.target.desiredCount;
    this.log({
      t: now / 1000,
      controller: "applicationAutoScaling.predictive",
      policy,
      action: "forecast",
      from: d,
      to: d,
      reason,
      inputs,
    });
  }

  private setDesired(to: number): void {
    if (this.opts.activityDurationMs > 0)
      this.sim.after(this.opts.activityDurationMs, () => this.target.setDesiredCount(to));
    else this.target.setDesiredCount(to);
  }

  /** Cooldowns running at `now` (seconds since the start at which they end). */
  private cooldownState(now: TimeMs): CooldownState {
    const out: CooldownState = {
      scaleOutEndsAt:
        this.scaleOutCooldownEndsAt !== null && now < this.scaleOutCooldownEndsAt
          ? this.scaleOutCooldownEndsAt / 1000
          : null,
      scaleInEndsAt:
        this.scaleInCooldownEndsAt !== null && now < this.scaleInCooldownEndsAt
          ? this.scaleInCooldownEndsAt / 1000
          : null,
    };
    for (const r of this.runners) {
      const c = r.cooldown?.(now);
      if (c) out[r.name] = c;
    }
    return out;
  }

  /** Whether a hold at this capacity for this kind of reason was the last line logged. */
  private repeatsHold(current: number, kind: string): boolean {
    return kind === this.lastHoldKind && current === this.lastHoldCurrent;
  }

  private hold(
    now: TimeMs,
    base: PolicyBaseOf,
    current: number,
    reason: string,
    kind: string,
    hit: "min" | "max" | null = null,
  ): void {
    if (this.repeatsHold(current, kind)) return;
    this.lastHoldCurrent = current;
    this.lastHoldKind = kind;
    this.log({
      ...base.fields(),
      action: "hold",
      from: current,
      to: current,
      reason,
      bounds: { min: this.minCapacity, max: this.maxCapacity, hit },
      cooldown: this.cooldownState(now),
    });
  }
}

/** What every line of a policy evaluation carries: the winning policy and every policy's reading. */
type PolicyBase = Pick<PolicyScalingDecision, "t" | "controller" | "policy" | "running" | "inputs">;

/**
 * The common part of an evaluation's log line, its fields built when a line is written (most evaluations
 * write none): the runners' inputs are those of this evaluation until the next one.
 */
class PolicyBaseOf {
  constructor(
    private readonly runners: ReadonlyArray<PolicyRunner>,
    private readonly now: TimeMs,
    private readonly policy: string | null,
    private readonly running: number,
  ) {}
  fields(): PolicyBase {
    const inputs: Record<string, PolicyInputs> = {};
    for (const r of this.runners) inputs[r.name] = r.inputs;
    return {
      t: this.now / 1000,
      controller: "applicationAutoScaling",
      policy: this.policy,
      running: this.running,
      inputs,
    };
  }
}

/** A decision turned into "none" at the current capacity (a suspended direction). */
function overruled(d: PolicyDecision, current: number): PolicyDecision {
  return {
    policy: d.policy,
    kind: d.kind,
    direction: "none",
    capacity: current,
    scaleInEnabled: d.scaleInEnabled,
    reason: d.reason,
  };
}

/** Which bound (if any) cut a proposal. */
function boundHit(proposed: number, min: number, max: number): "min" | "max" | null {
  if (proposed > max) return "max";
  if (proposed < min) return "min";
  return null;
}
