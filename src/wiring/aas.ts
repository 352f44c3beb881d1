import { type AssumptionValues, num } from "../assumptions.js";
import type { Simulation } from "../engine/sim.js";
import type { TimeMs } from "../engine/time.js";
import { InputError } from "../errors.js";
import type { ScheduledAction, SuspendedState, SuspendedStateChange } from "../scenario/aas.js";
import { policyPlugin } from "../policies/index.js";
import type { PredefinedMetric, ScalingPolicy } from "../scenario/policies.js";
import type { DecisionSink } from "../models/decisions.js";
import { MetricMathError } from "../models/aas/metric-math.js";
import { MetricLookupError, type MetricRegistry, type MetricSource } from "../models/aas/metric-registry.js";
import { ScalingController, type ScalableTarget } from "../models/aas/scaling-controller.js";
import { ScheduleController } from "../models/aas/schedule-controller.js";
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

/** Whether the policies read the 20-second (HighResolution) service metrics, which the platform must then produce. */
export function needsHighResolutionMetrics(policies: ReadonlyArray<ScalingPolicy>): boolean {
  return policies.some((sp) => policyPlugin(sp).highResolution?.(sp) ?? false);
}

export interface AutoScaling {
  readonly controller: ScalingController;
  start(): void;
}

/**
 * Build Application Auto Scaling for one scalable target from the scenario's AWS-shaped configuration:
 * each policy's type (src/policies/) builds its part, a runner in the controller (target tracking, step) or
 * a controller beside it (predictive); scheduled actions run beside it too. A metric the platform does not
 * produce is bad input (InputError naming the field).
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
  const beside: { start(): void }[] = [];
  s.policies.forEach((sp, i) => {
    const at = `${s.path}.scalingPolicies[${i}]`;
    const part = policyPlugin(sp).build(sp, {
      sim: s.sim,
      controller,
      controllerOptions: opts,
      registry: s.registry,
      predefined: s.predefined,
      assumptions: a,
      startMs: s.startMs,
      durationMs: s.durationMs,
      at,
      lookup: (field, f) => {
        try {
          return f();
        } catch (e) {
          if (e instanceof MetricLookupError || e instanceof MetricMathError)
            throw new InputError(e.message, { path: `${at}.${field}` });
          throw e;
        }
      },
    });
    if ("runner" in part) controller.addPolicy(part.runner);
    else beside.push(part.beside);
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
      for (const p of beside) p.start();
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
