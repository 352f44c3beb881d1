import { type AssumptionValues, num } from "../assumptions.js";
import type { Simulation } from "../engine/sim.js";
import { SECOND, type TimeMs } from "../engine/time.js";
import { InputError } from "../errors.js";
import type { ScheduledAction, SuspendedState, SuspendedStateChange } from "../scenario/aas.js";
import type { PredefinedMetric, ScalingPolicy } from "../scenario/policies.js";
import type { DecisionSink } from "../models/decisions.js";
import { MetricMathError } from "../models/aas/metric-math.js";
import {
  type MetricDataQuery,
  MetricLookupError,
  type MetricRegistry,
  type MetricSource,
} from "../models/aas/metric-registry.js";
import { customizedPredictiveMetrics } from "../models/aas/predictive-custom.js";
import { TargetTrackingRunner } from "../models/aas/policy-runner.js";
import { PredictiveController } from "../models/aas/predictive-controller.js";
import {
  ScalingController,
  type ScalableTarget,
  targetTrackingAlarmsFor,
} from "../models/aas/scaling-controller.js";
import { ScheduleController } from "../models/aas/schedule-controller.js";
import { StepPolicyRunner } from "../models/aas/step-controller.js";
import { scheduleSuspendedStateChanges } from "../models/aas/suspension.js";

export interface AutoScalingSetup {
  sim: Simulation;
  target: ScalableTarget;
  registry: MetricRegistry;
  /** Series of the predefined target-tracking metrics the platform produces. */
  predefined: Partial<Record<PredefinedMetric, MetricSource>>;
  policies: ReadonlyArray<ScalingPolicy>;
  scheduledActions: ReadonlyArray<ScheduledAction>;
  suspendedState?: SuspendedState;
  /** Later RegisterScalableTarget calls with SuspendedState (suspension.ts). */
  suspendedStateChanges?: ReadonlyArray<SuspendedStateChange>;
  bounds: { minCapacity: number; maxCapacity: number };
  assumptions: AssumptionValues;
  /** Epoch ms of simulated time 0, and the run's length. */
  startMs: number;
  durationMs: TimeMs;
  log: DecisionSink;
  /** Scenario path of the platform, for error messages (`platforms.<name>`). */
  path: string;
}

export interface AutoScaling {
  readonly controller: ScalingController;
  start(): void;
}

/**
 * Build Application Auto Scaling for one scalable target from the scenario's AWS-shaped configuration:
 * target-tracking and step policies in the controller, predictive policies and scheduled actions beside
 * it. A metric the platform does not produce is bad input (InputError naming the field).
 */
export function buildAutoScaling(s: AutoScalingSetup): AutoScaling {
  const a = s.assumptions;
  const opts = {
    minCapacity: s.bounds.minCapacity,
    maxCapacity: s.bounds.maxCapacity,
    publishDelayMs: num(a, "metrics.publishDelay"),
    activityDurationMs: num(a, "scaling.activityDuration"),
    scaleOutDatapoints: num(a, "targetTracking.scaleOutDatapoints"),
    scaleInDatapoints: num(a, "targetTracking.scaleInDatapoints"),
    scaleInThresholdFactor: num(a, "targetTracking.scaleInThresholdFactor"),
    highResolutionScaleInDatapoints: num(a, "targetTracking.highResolutionScaleInDatapoints"),
    evaluationRangeExtraPeriods: num(a, "cloudwatch.evaluationRangeExtraPeriods"),
    suspendedState: s.suspendedState,
  };
  const controller = new ScalingController(s.sim, s.target, [], opts, s.log);
  const predictive: PredictiveController[] = [];
  s.policies.forEach((sp, i) => {
    const at = `${s.path}.scalingPolicies[${i}]`;
    const lookup = <T>(field: string, f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (e instanceof MetricLookupError || e instanceof MetricMathError)
          throw new InputError(e.message, { path: `${at}.${field}` });
        throw e;
      }
    };
    switch (sp.PolicyType) {
      case "TargetTrackingScaling": {
        const c = sp.TargetTrackingScalingPolicyConfiguration;
        const type = c.PredefinedMetricSpecification?.PredefinedMetricType;
        const metric =
          type !== undefined
            ? s.predefined[type]
            : lookup("TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification", () =>
                s.registry.customized(c.CustomizedMetricSpecification!),
              );
        if (metric === undefined) {
          throw new InputError(`predefined metric ${type} is not produced by this platform`, {
            path: `${at}.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification`,
          });
        }
        const spec = {
          name: sp.PolicyName,
          targetValue: c.TargetValue,
          metric,
          metricName: type ?? metric.name,
          scaleOutCooldownMs: c.ScaleOutCooldown * SECOND,
          scaleInCooldownMs: c.ScaleInCooldown * SECOND,
          disableScaleIn: c.DisableScaleIn,
          highResolution: type?.endsWith("HighResolution") ?? false,
        };
        const { high, low } = targetTrackingAlarmsFor(spec, opts);
        controller.addPolicy(new TargetTrackingRunner(spec, high, low));
        return;
      }
      case "StepScaling": {
        const c = sp.StepScalingPolicyConfiguration;
        const al = sp.Alarm;
        // An alarm on one metric, or on metric math (PutMetricAlarm `Metrics`, metric-math.ts).
        const metric = al.Metrics
          ? lookup("Alarm.Metrics", () => s.registry.query(al.Metrics!))
          : lookup("Alarm.MetricName", () =>
              s.registry.resolve(
                { Namespace: al.Namespace, MetricName: al.MetricName!, Statistic: al.Statistic },
                al.Period * SECOND,
              ),
            );
        const returned = al.Metrics?.find(
          (q) => q.ReturnData !== false && (al.Metrics!.length === 1 || q.ReturnData === true),
        );
        const extra = num(a, "cloudwatch.evaluationRangeExtraPeriods");
        controller.addPolicy(
          new StepPolicyRunner({
            name: sp.PolicyName,
            alarm: {
              periodSeconds: al.Period,
              evaluationPeriods: al.EvaluationPeriods,
              datapointsToAlarm: al.DatapointsToAlarm,
              threshold: al.Threshold,
              comparisonOperator: al.ComparisonOperator,
              treatMissingData: al.TreatMissingData,
              evaluationRange: al.EvaluationPeriods + extra,
            },
            metric,
            metricName: returned
              ? (returned.Label ?? returned.Expression ?? returned.Id)
              : `${al.Namespace ? `${al.Namespace} ` : ""}${al.MetricName} ${al.Statistic}`,
            adjustmentType: c.AdjustmentType,
            steps: c.StepAdjustments.map((st) => ({
              metricIntervalLowerBound: st.MetricIntervalLowerBound ?? null,
              metricIntervalUpperBound: st.MetricIntervalUpperBound ?? null,
              scalingAdjustment: st.ScalingAdjustment,
            })),
            minAdjustmentMagnitude: c.MinAdjustmentMagnitude ?? null,
            cooldownMs: c.Cooldown * SECOND,
            metricAggregationType: c.MetricAggregationType,
          }),
        );
        return;
      }
      case "PredictiveScaling": {
        const c = sp.PredictiveScalingPolicyConfiguration;
        const m = c.MetricSpecifications[0];
        const field = "PredictiveScalingPolicyConfiguration.MetricSpecifications[0]";
        const pair = m.PredefinedMetricPairSpecification?.PredefinedMetricType;
        const load =
          pair !== undefined
            ? lookup(field, () => loadOf(s.registry, pair))
            : customizedPredictive(s.registry, m, (f, g) => lookup(`${field}.${f}`, g));
        predictive.push(
          new PredictiveController(
            s.sim,
            controller,
            {
              name: sp.PolicyName,
              mode: c.Mode,
              targetValue: m.TargetValue,
              schedulingBufferMs: c.SchedulingBufferTime * SECOND,
              maxCapacityBreachBehavior: c.MaxCapacityBreachBehavior,
              maxCapacityBuffer: c.MaxCapacityBuffer ?? 0,
              metricPair: pair ?? "CustomizedLoadMetricSpecification",
              ...load,
            },
            { startMs: s.startMs, durationMs: s.durationMs, halfLifeDays: num(a, "predictive.halfLifeDays") },
          ),
        );
        return;
      }
    }
  });
  const schedule =
    s.scheduledActions.length > 0
      ? new ScheduleController(
          s.sim,
          controller,
          s.scheduledActions.map((x) => ({
            name: x.ScheduledActionName,
            schedule: x.Schedule,
            timezone: x.Timezone,
            startTimeMs: x.StartTime,
            endTimeMs: x.EndTime,
            minCapacity: x.ScalableTargetAction.MinCapacity,
            maxCapacity: x.ScalableTargetAction.MaxCapacity,
          })),
          {
            startMs: s.startMs,
            durationMs: s.durationMs,
            rateAnchor: String(a["schedule.rateAnchor"]),
            cronDstGap: String(a["schedule.cronDstGap"]),
            triggerDelayMs: num(a, "schedule.triggerDelay"),
          },
        )
      : null;
  return {
    controller,
    start() {
      if (controller.policyCount > 0) controller.start();
      for (const p of predictive) p.start();
      schedule?.start();
      scheduleSuspendedStateChanges(
        s.sim,
        controller,
        (s.suspendedStateChanges ?? []).map((c) => ({
          atMs: c.at,
          // Assumption `scaling.suspendedStateOmittedFlags`: flags a call omits keep their value, or reset.
          flags:
            a["scaling.suspendedStateOmittedFlags"] === "reset"
              ? { ...ALL_RESUMED, ...c.SuspendedState }
              : c.SuspendedState,
        })),
        s.durationMs,
      );
    },
  };
}

const ALL_RESUMED = {
  DynamicScalingInSuspended: false,
  DynamicScalingOutSuspended: false,
  ScheduledScalingSuspended: false,
};

/**
 * Customized load, scaling and capacity metrics of a predictive policy (predictive-custom.ts), each a
 * 1-minute series of the registry; the capacity metric defaults to the running task count.
 */
function customizedPredictive(
  registry: MetricRegistry,
  m: {
    CustomizedLoadMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricDataQuery> };
    CustomizedScalingMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricDataQuery> };
    CustomizedCapacityMetricSpecification?: { MetricDataQueries: ReadonlyArray<MetricDataQuery> };
  },
  lookup: <T>(field: string, f: () => T) => T,
): ReturnType<typeof customizedPredictiveMetrics> {
  const minute = (field: string, f: () => MetricSource): MetricSource =>
    lookup(field, () => {
      const src = f();
      if (src.periodMs !== 60 * SECOND)
        throw new MetricLookupError(
          `predictive scaling reads 1-minute metrics; ${src.name} has a period of ${src.periodMs / 1000} s`,
        );
      return src;
    });
  const load = minute("CustomizedLoadMetricSpecification", () =>
    registry.query(m.CustomizedLoadMetricSpecification!.MetricDataQueries),
  );
  const scaling = minute("CustomizedScalingMetricSpecification", () =>
    registry.query(m.CustomizedScalingMetricSpecification!.MetricDataQueries),
  );
  const capacity = minute("CustomizedCapacityMetricSpecification", () =>
    m.CustomizedCapacityMetricSpecification
      ? registry.query(m.CustomizedCapacityMetricSpecification.MetricDataQueries)
      : registry.resolve({
          Namespace: "ECS/ContainerInsights",
          MetricName: "RunningTaskCount",
          Statistic: "Average",
        }),
  );
  return customizedPredictiveMetrics(load, scaling, capacity);
}

/**
 * The load metric of a predictive metric pair, per simulated minute [S20]: ECSServiceTotalCPUUtilization
 * (sum of the tasks' CPU %: average × running tasks), the memory analogue, or the target group's
 * RequestCount per minute. Required capacity = load / TargetValue.
 */
function loadOf(
  registry: MetricRegistry,
  pair: "ECSServiceCPUUtilization" | "ECSServiceMemoryUtilization" | "ALBRequestCount",
): { loadAt: (minute: number) => number | null; minutesKnown: () => number } {
  if (pair === "ALBRequestCount") {
    const rc = registry.resolve({
      Namespace: "AWS/ApplicationELB",
      MetricName: "RequestCount",
      Statistic: "Sum",
    });
    // ELB publishes nothing in a minute without requests: that minute's load is 0.
    return {
      loadAt: (m) => (m < rc.datapoints.length ? (rc.datapoints[m] ?? 0) : null),
      minutesKnown: () => rc.datapoints.length,
    };
  }
  const util = registry.resolve({
    Namespace: "AWS/ECS",
    MetricName: pair === "ECSServiceCPUUtilization" ? "CPUUtilization" : "MemoryUtilization",
    Statistic: "Average",
  });
  const tasks = registry.resolve({
    Namespace: "ECS/ContainerInsights",
    MetricName: "RunningTaskCount",
    Statistic: "Average",
  });
  return {
    loadAt: (m) => {
      const u = util.datapoints[m];
      const n = tasks.datapoints[m];
      if (n === undefined || n === null) return null;
      return n === 0 ? 0 : u === null || u === undefined ? null : u * n;
    },
    minutesKnown: () => Math.min(util.datapoints.length, tasks.datapoints.length),
  };
}
