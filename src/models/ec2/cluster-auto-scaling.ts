/**
 * ECS cluster auto scaling (managed scaling) for Auto Scaling group capacity providers: each minute ECS
 * publishes CapacityProviderReservation per provider; the target-tracking policy ECS attaches to the group
 * has a scale-out alarm on 1 datapoint and a scale-in alarm on 15; scale-out waits while any instance is
 * within instanceWarmupPeriod. The arithmetic lives in capacity-provider-reservation.ts.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html (and the archived
 *   2023 text https://github.com/awsdocs/amazon-ecs-developer-guide/blob/021abe8ca185a054dea7bab21e631f9461e05bd6/doc_source/cluster-auto-scaling.md:
 *   "Every minute, Amazon ECS collects information"; "CloudWatch scale-in alarms require 15 data points";
 *   "Scale-out is blocked for instances that are within the instanceWarmupPeriod")
 * - https://github.com/awslabs/ec2-spot-workshops/blob/HEAD/content/ecs-spot-capacity-providers/Introduction/application_scaling/managed-scaling.md
 *   ("CPR > TC for 1 datapoints with 1 minute duration"; "CPR < TC for 15 datapoints")
 */

import { Phase, type Simulation } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import { type AlarmConfig, type AlarmState, evaluateAlarm, INITIAL_ALARM_STATE } from "../aas/alarm.js";
import { MetricSeries } from "../cloudwatch/metric.js";
import type { ClusterAutoScalingDecision, DecisionSink } from "../decisions.js";
import type { AutoScalingGroup } from "./auto-scaling-group.js";
import {
  capacityProviderReservation,
  desiredInstances,
  type GroupCombine,
  type InstanceCapacity,
  type ScaleInFormula,
  scaleInDesired,
  type TaskRequirements,
} from "./capacity-provider-reservation.js";

/** Datapoints of the two alarms ECS creates: high 1 of 1, low 15 of 15, one-minute periods. */
export const CAS_SCALE_OUT_DATAPOINTS = 1;
export const CAS_SCALE_IN_DATAPOINTS = 15;

export interface CasProvider {
  readonly name: string;
  readonly asg: AutoScalingGroup;
  readonly enabled: boolean;
  readonly targetCapacity: number;
  readonly minimumScalingStepSize: number;
  readonly maximumScalingStepSize: number;
  readonly instanceWarmupMs: TimeMs;
  readonly smallest: InstanceCapacity;
  readonly largest: InstanceCapacity;
  readonly task: TaskRequirements;
  /** Why no instance of the group could ever take the task (its memberOf constraints), if so. */
  readonly unplaceable?: string;
  /** PROVISIONING tasks of this provider. */
  waiting(): number;
  /** Instances with no non-daemon task. */
  empty(): number;
}

export interface CasOptions {
  readonly scaleInFormula: ScaleInFormula;
  readonly scaleInMaxFraction: number;
  readonly groupCombine: GroupCombine;
}

interface State {
  readonly p: CasProvider;
  readonly metric: MetricSeries;
  readonly high: AlarmConfig;
  readonly low: AlarmConfig;
  highState: AlarmState;
  lowState: AlarmState;
  lastHold: string;
  scaleOutEvents: number;
  scaleInEvents: number;
  min: number;
  max: number;
  /** Instance-minutes sampled at each tick, for the mean. */
  sampled: number;
  ticks: number;
}

export class ClusterAutoScaling {
  private readonly states: State[];

  constructor(
    private readonly sim: Simulation,
    providers: readonly CasProvider[],
    private readonly opts: CasOptions,
    private readonly log: DecisionSink,
  ) {
    this.states = providers.map((p) => ({
      p,
      metric: new MetricSeries(`CapacityProviderReservation ${p.name}`, MINUTE),
      high: {
        periodSeconds: 60,
        evaluationPeriods: CAS_SCALE_OUT_DATAPOINTS,
        threshold: p.targetCapacity,
        comparisonOperator: "GreaterThanThreshold",
      },
      low: {
        periodSeconds: 60,
        evaluationPeriods: CAS_SCALE_IN_DATAPOINTS,
        threshold: p.targetCapacity,
        comparisonOperator: "LessThanThreshold",
      },
      highState: INITIAL_ALARM_STATE,
      lowState: INITIAL_ALARM_STATE,
      lastHold: "",
      scaleOutEvents: 0,
      scaleInEvents: 0,
      min: p.asg.inService,
      max: p.asg.inService,
      sampled: 0,
      ticks: 0,
    }));
  }

  start(): void {
    this.sim.every(MINUTE, (now) => this.tick(now), Phase.control, MINUTE);
  }

  /** Published CPR datapoints of provider `i`. */
  metric(i: number): MetricSeries {
    return this.states[i].metric;
  }

  stats(i: number): {
    min: number;
    max: number;
    scaleOutEvents: number;
    scaleInEvents: number;
    meanInstances: number;
  } {
    const s = this.states[i];
    return {
      min: s.min,
      max: s.max,
      scaleOutEvents: s.scaleOutEvents,
      scaleInEvents: s.scaleInEvents,
      meanInstances: s.ticks > 0 ? s.sampled / s.ticks : s.p.asg.inService,
    };
  }

  private tick(now: TimeMs): void {
    for (const s of this.states) {
      const n0 = s.p.asg.inService;
      s.sampled += n0;
      s.ticks++;
      s.min = Math.min(s.min, n0);
      s.max = Math.max(s.max, n0);
      if (s.p.enabled) this.evaluate(s, now);
      // The group retries terminations that scale-in protection held back.
      s.p.asg.reconcile();
    }
  }

  private evaluate(s: State, now: TimeMs): void {
    const p = s.p;
    const asg = p.asg;
    const n = asg.inService;
    const waiting = p.waiting();
    const empty = p.empty();
    const r = capacityProviderReservation({
      runningInstances: n,
      emptyInstances: empty,
      provisioning: waiting > 0 ? [{ requirements: p.task, count: waiting }] : [],
      smallest: p.smallest,
      largest: p.largest,
      minimumScalingStepSize: p.minimumScalingStepSize,
      maximumScalingStepSize: p.maximumScalingStepSize,
      groupCombine: this.opts.groupCombine,
      scaleInFormula: this.opts.scaleInFormula,
      targetCapacity: p.targetCapacity,
    });
    s.metric.closeWith(r.cpr);
    const recent = s.metric.latest(CAS_SCALE_IN_DATAPOINTS + 2);
    s.highState = evaluateAlarm(s.high, recent, s.highState);
    s.lowState = evaluateAlarm(s.low, recent, s.lowState);
    const inputs = {
      provider: p.name,
      cpr: Math.round(r.cpr * 1000) / 1000,
      instances: n,
      empty,
      waiting,
      reason: r.reason,
      alarmHigh: s.highState,
      alarmLow: s.lowState,
    };
    const base = {
      t: now / 1000,
      controller: "clusterAutoScaling" as const,
      policy: `${p.name}-ManagedScaling`,
      inputs,
    };
    const from = asg.desired;

    if (r.reason === "no-compatible-tasks") {
      // Instances no waiting task could use are not launched: scale-out stops and says why.
      this.hold(
        s,
        base,
        from,
        `CPR ${inputs.cpr}: ${waiting} waiting task(s) cannot run on any instance of the group${p.unplaceable ? `: ${p.unplaceable}` : ""}; no scale-out`,
      );
      return;
    }
    if (s.highState === "ALARM") {
      // "Auto Scaling checks if all existing instances have passed the instanceWarmupPeriod … The scale-out
      // is blocked for instances that are within the instanceWarmupPeriod."
      let young = 0;
      for (const i of asg.instances)
        if (!i.warm && i.state !== "terminating" && now - i.launchedAt < p.instanceWarmupMs) young++;
      const to = desiredInstances({
        cpr: r.cpr,
        runningInstances: n,
        targetCapacity: p.targetCapacity,
        minSize: asg.cfg.minSize,
        maxSize: asg.cfg.maxSize,
      });
      if (to <= from) {
        this.hold(
          s,
          base,
          from,
          `CPR ${inputs.cpr} > ${p.targetCapacity}; desired ${from} already covers ${to}`,
        );
        return;
      }
      if (young > 0) {
        this.hold(
          s,
          base,
          from,
          `CPR ${inputs.cpr} > ${p.targetCapacity}; scale-out blocked: ${young} instance(s) within instanceWarmupPeriod ${p.instanceWarmupMs / 1000}s`,
        );
        return;
      }
      s.lastHold = "";
      s.scaleOutEvents++;
      this.log({
        ...base,
        action: "scale-out",
        from,
        to,
        reason: `AlarmHigh (CPR ${inputs.cpr} > ${p.targetCapacity} for 1 datapoint): ${n} × ${inputs.cpr} / ${p.targetCapacity} → ${to}`,
      });
      asg.setDesired(to);
      return;
    }
    if (s.lowState === "ALARM") {
      const to = scaleInDesired({
        runningInstances: n,
        emptyInstances: empty,
        cpr: r.cpr,
        targetCapacity: p.targetCapacity,
        scaleInFormula: this.opts.scaleInFormula,
        maxFraction: this.opts.scaleInMaxFraction,
        minSize: asg.cfg.minSize,
      });
      if (to >= from) {
        this.hold(
          s,
          base,
          from,
          `CPR ${inputs.cpr} < ${p.targetCapacity} for 15 datapoints; nothing to remove (minSize ${asg.cfg.minSize})`,
        );
        return;
      }
      s.lastHold = "";
      s.scaleInEvents++;
      this.log({
        ...base,
        action: "scale-in",
        from,
        to,
        reason: `AlarmLow (CPR ${inputs.cpr} < ${p.targetCapacity} for 15 datapoints): ${empty} empty of ${n}`,
      });
      asg.setDesired(to);
    }
  }

  private hold(
    s: State,
    base: Pick<ClusterAutoScalingDecision, "t" | "controller" | "policy" | "inputs">,
    at: number,
    reason: string,
  ): void {
    const key = reason.replace(/CPR [0-9.]+/, "CPR");
    if (key === s.lastHold) return;
    s.lastHold = key;
    this.log({ ...base, action: "hold", from: at, to: at, reason });
  }
}
