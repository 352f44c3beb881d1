import { z } from "zod";
import { alarmPeriodIssue, validateAlarmConfig } from "../rules/alarm-config.js";
import { expressionOrMetricStatIssue, queryListIssues } from "../rules/metric-queries.js";
import { parseSchedule, ScheduleExpressionError } from "../rules/schedule.js";
import { validateStepAdjustments } from "../rules/step-adjustments.js";
import { AwsSeconds, Duration, Instant } from "./fields.js";

/**
 * Application Auto Scaling beyond target tracking on predefined metrics, in AWS's own field names so
 * that a user can paste (or `scalesim import`) a real configuration:
 *   - CustomizedMetricSpecification of target tracking (one metric, or metric math with `Metrics`);
 *   - step scaling policies with their CloudWatch alarm under `Alarm:` (PutMetricAlarm field names);
 *   - predictive scaling policies;
 *   - scheduled actions (`scheduledActions:` of a platform) and the scalable target's SuspendedState.
 * [PSP] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 * [PMA] https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */

const Dimension = z.strictObject({ Name: z.string().min(1), Value: z.string() });

/** CloudWatch statistics a policy or alarm may ask for. */
export const STATISTICS = ["Average", "Minimum", "Maximum", "SampleCount", "Sum"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingMetric.html */
const MetricRef = z.strictObject({
  MetricName: z.string().min(1),
  Namespace: z.string().min(1),
  Dimensions: z.array(Dimension).optional(),
});

/** The Id of a metric data query: the same rule for target tracking, alarm and predictive queries. */
const QueryId = z
  .string()
  .regex(/^[a-z][A-Za-z0-9_]*$/, "Id starts with a lowercase letter, then letters, digits or _");

/** A metric data query is either an expression or a metric (every kind of query list has this rule). */
function expressionOrMetricStat(
  q: { Expression?: string; MetricStat?: unknown },
  ctx: z.core.$RefinementCtx,
): void {
  const message = expressionOrMetricStatIssue(q);
  if (message !== null) ctx.addIssue({ code: "custom", message });
}

/**
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingMetricDataQuery.html
 * Also the predictive scaling query (API_PredictiveScalingMetricDataQuery.html): AWS documents the same fields.
 */
const MetricDataQuery = z
  .strictObject({
    Id: QueryId,
    Expression: z.string().min(1).optional(),
    Label: z.string().optional(),
    MetricStat: z
      .strictObject({ Metric: MetricRef, Stat: z.enum(STATISTICS), Unit: z.string().optional() })
      .optional(),
    ReturnData: z.boolean().optional(),
  })
  .superRefine(expressionOrMetricStat);

/**
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_CustomizedMetricSpecification.html
 * Either one metric (MetricName, Namespace, Statistic) or `Metrics`, a metric-math query list in which
 * exactly one query has ReturnData true (ReturnData defaults to true, so a single query may omit it).
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 */
export const CustomizedMetricSpecification = z
  .strictObject({
    MetricName: z.string().min(1).optional(),
    Namespace: z.string().min(1).optional(),
    Dimensions: z.array(Dimension).optional(),
    Statistic: z.enum(STATISTICS).optional(),
    Unit: z.string().optional(),
    Metrics: z.array(MetricDataQuery).min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.Metrics !== undefined) {
      for (const k of ["MetricName", "Namespace", "Dimensions", "Statistic", "Unit"] as const) {
        if (c[k] !== undefined)
          ctx.addIssue({ code: "custom", path: [k], message: `${k} can't be combined with Metrics` });
      }
      checkQueryList(c.Metrics, ["Metrics"], ctx);
      return;
    }
    for (const k of ["MetricName", "Namespace", "Statistic"] as const) {
      if (c[k] === undefined)
        ctx.addIssue({ code: "custom", path: [k], message: `${k} is required (or give Metrics)` });
    }
  });
export type CustomizedMetricSpecification = z.output<typeof CustomizedMetricSpecification>;

/** The rules of a metric-math query list (src/rules/metric-queries.ts), as issues at `path`. */
export function checkQueryList(
  queries: ReadonlyArray<{ Id: string; ReturnData?: boolean }>,
  path: PropertyKey[],
  ctx: z.core.$RefinementCtx,
): void {
  for (const i of queryListIssues(queries))
    ctx.addIssue({ code: "custom", path: i.index < 0 ? path : [...path, i.index, "Id"], message: i.message });
}

// ---------------------------------------------------------------------------------------------------------
// Step scaling
// ---------------------------------------------------------------------------------------------------------

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html */
const StepAdjustment = z.strictObject({
  MetricIntervalLowerBound: z.number().nullable().optional(),
  MetricIntervalUpperBound: z.number().nullable().optional(),
  ScalingAdjustment: z.number().int(),
});

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html */
const StepScalingPolicyConfiguration = z.strictObject({
  AdjustmentType: z.enum(["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"]),
  StepAdjustments: z.array(StepAdjustment),
  MinAdjustmentMagnitude: z.number().int().min(1).optional(),
  // ECS default 300 s (API reference above).
  Cooldown: AwsSeconds.default(300),
  // "Valid values are Minimum, Maximum, and Average. If the aggregation type is null, the value is treated as Average."
  MetricAggregationType: z.enum(["Average", "Minimum", "Maximum"]).default("Average"),
});

/**
 * A query of an alarm on metric math (PutMetricAlarm `Metrics`): a metric with its Period and Stat, or an
 * expression over other queries' Ids. "One item in the Metrics array is the expression that the alarm
 * watches. You designate this expression by setting ReturnData to true" [PMA].
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
 */
const AlarmMetricDataQuery = z
  .strictObject({
    Id: QueryId,
    Expression: z.string().min(1).optional(),
    Label: z.string().optional(),
    MetricStat: z
      .strictObject({
        Metric: MetricRef,
        Period: z.number().int().positive(),
        Stat: z.enum(STATISTICS),
        Unit: z.string().optional(),
      })
      .optional(),
    Period: z.number().int().positive().optional(),
    ReturnData: z.boolean().optional(),
    // Printed by describe-alarms for cross-account alarms; one account is simulated.
    AccountId: z.string().optional(),
  })
  .superRefine(expressionOrMetricStat);

/** The period shared by an alarm's metric queries (seconds), or undefined when they have none. */
function alarmQueriesPeriod(
  queries: ReadonlyArray<{ MetricStat?: { Period: number }; Period?: number }>,
): number | undefined {
  for (const q of queries) if (q.MetricStat) return q.MetricStat.Period;
  for (const q of queries) if (q.Period !== undefined) return q.Period;
  return undefined;
}

/**
 * An alarm watches one metric (MetricName, Namespace, Statistic, Period) or metric math (`Metrics`), not
 * both [PMA]; the queries of one alarm share a period. Returns the alarm's period, or undefined after an issue.
 */
function checkAlarmMetric(
  a: {
    MetricName?: string;
    Namespace?: string;
    Dimensions?: unknown;
    Statistic?: string;
    Unit?: string;
    Period?: number;
    Metrics?: ReadonlyArray<{
      Id: string;
      ReturnData?: boolean;
      MetricStat?: { Period: number };
      Period?: number;
    }>;
  },
  ctx: z.core.$RefinementCtx,
): number | undefined {
  if (a.Metrics === undefined) {
    let ok = true;
    for (const k of ["MetricName", "Period"] as const) {
      if (a[k] === undefined) {
        ctx.addIssue({ code: "custom", path: [k], message: `${k} is required (or give Metrics)` });
        ok = false;
      }
    }
    return ok ? a.Period : undefined;
  }
  let ok = true;
  for (const k of ["MetricName", "Namespace", "Dimensions", "Statistic", "Unit", "Period"] as const) {
    if (a[k] !== undefined) {
      ctx.addIssue({ code: "custom", path: [k], message: `${k} can't be combined with Metrics` });
      ok = false;
    }
  }
  checkQueryList(a.Metrics, ["Metrics"], ctx);
  const period = alarmQueriesPeriod(a.Metrics);
  if (period === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["Metrics"],
      message: "give at least one MetricStat with its Period",
    });
    return undefined;
  }
  a.Metrics.forEach((q, i) => {
    const p = q.MetricStat?.Period ?? q.Period;
    if (p !== undefined && p !== period) {
      ctx.addIssue({
        code: "custom",
        path: ["Metrics", i, q.MetricStat ? "MetricStat" : "Period"],
        message: `the queries of one alarm share a period: ${p} s here, ${period} s in the first`,
      });
      ok = false;
    }
  });
  return ok ? period : undefined;
}

/**
 * The CloudWatch alarm that invokes a step policy, in PutMetricAlarm's field names [PMA]. The metric is
 * one the simulated service publishes (see docs/application-auto-scaling.md for the list).
 */
export const StepAlarm = z
  .strictObject({
    AlarmName: z.string().optional(),
    MetricName: z.string().min(1).optional(),
    Namespace: z.string().min(1).optional(),
    Dimensions: z.array(Dimension).optional(),
    // Average when a single metric is given without a Statistic (see the transform below).
    Statistic: z.enum(STATISTICS).optional(),
    Unit: z.string().optional(),
    Period: z.number().int().positive().optional(),
    Metrics: z.array(AlarmMetricDataQuery).min(1).optional(),
    EvaluationPeriods: z.number().int().min(1),
    DatapointsToAlarm: z.number().int().min(1).optional(),
    Threshold: z.number(),
    ComparisonOperator: z.enum([
      "GreaterThanThreshold",
      "GreaterThanOrEqualToThreshold",
      "LessThanThreshold",
      "LessThanOrEqualToThreshold",
    ]),
    TreatMissingData: z.enum(["missing", "ignore", "breaching", "notBreaching"]).default("missing"),
  })
  .superRefine((a, ctx) => {
    const period = checkAlarmMetric(a, ctx);
    if (period === undefined) return;
    const periodIssue = alarmPeriodIssue(period);
    if (periodIssue !== null) ctx.addIssue({ code: "custom", path: ["Period"], message: periodIssue });
    const cfg = {
      periodSeconds: period,
      evaluationPeriods: a.EvaluationPeriods,
      datapointsToAlarm: a.DatapointsToAlarm,
      threshold: a.Threshold,
      comparisonOperator: a.ComparisonOperator,
    };
    const fields: Record<string, string> = {
      evaluationPeriods: "EvaluationPeriods",
      datapointsToAlarm: "DatapointsToAlarm",
      periodSeconds: "Period",
      threshold: "Threshold",
    };
    for (const i of validateAlarmConfig(cfg))
      ctx.addIssue({ code: "custom", path: [fields[i.field] ?? "Period"], message: i.message });
  })
  // The alarm's period is the one of its metric queries when it watches metric math.
  .transform((a) => ({
    ...a,
    Statistic: a.Statistic ?? ("Average" as const),
    Period: a.Period ?? alarmQueriesPeriod(a.Metrics ?? [])!,
  }));
export type StepAlarm = z.output<typeof StepAlarm>;

export const StepScalingPolicy = z
  .strictObject({
    PolicyName: z.string().min(1),
    PolicyType: z.literal("StepScaling"),
    StepScalingPolicyConfiguration,
    Alarm: StepAlarm,
  })
  .superRefine((p, ctx) => {
    const c = p.StepScalingPolicyConfiguration;
    // "Valid only if the adjustment type is PercentChangeInCapacity." (MinAdjustmentMagnitude)
    if (c.MinAdjustmentMagnitude !== undefined && c.AdjustmentType !== "PercentChangeInCapacity") {
      ctx.addIssue({
        code: "custom",
        path: ["StepScalingPolicyConfiguration", "MinAdjustmentMagnitude"],
        message: "MinAdjustmentMagnitude is valid only with AdjustmentType PercentChangeInCapacity",
      });
    }
    const steps = c.StepAdjustments.map((s) => ({
      metricIntervalLowerBound: s.MetricIntervalLowerBound ?? null,
      metricIntervalUpperBound: s.MetricIntervalUpperBound ?? null,
      scalingAdjustment: s.ScalingAdjustment,
    }));
    for (const issue of validateStepAdjustments(steps, p.Alarm.Threshold, c.AdjustmentType)) {
      const at = issue.index < 0 ? [] : [issue.index, issue.field];
      ctx.addIssue({
        code: "custom",
        path: ["StepScalingPolicyConfiguration", "StepAdjustments", ...at],
        message: issue.message,
      });
    }
  });
export type StepScalingPolicy = z.output<typeof StepScalingPolicy>;

// ---------------------------------------------------------------------------------------------------------
// Predictive scaling
// ---------------------------------------------------------------------------------------------------------

/** Metric pairs (load metric + scaling metric) the ECS service model can provide. [S20] */
export const PREDICTIVE_METRIC_PAIRS = [
  "ECSServiceCPUUtilization",
  "ECSServiceMemoryUtilization",
  "ALBRequestCount",
] as const;
export type PredictiveMetricPair = (typeof PREDICTIVE_METRIC_PAIRS)[number];

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingCustomizedMetricSpecification.html */
const PredictiveScalingCustomizedMetricSpecification = z
  .strictObject({ MetricDataQueries: z.array(MetricDataQuery).min(1) })
  .superRefine((c, ctx) => checkQueryList(c.MetricDataQueries, ["MetricDataQueries"], ctx));
export type PredictiveScalingCustomizedMetricSpecification = z.output<
  typeof PredictiveScalingCustomizedMetricSpecification
>;

/**
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingMetricSpecification.html
 * "You must specify either a metric pair, or a load metric and a scaling metric individually"; the
 * capacity metric is optional (default here: ECS/ContainerInsights RunningTaskCount). Individual metrics are
 * the customized ones (metric data queries on metrics the models publish).
 */
const PredictiveScalingMetricSpecification = z
  .strictObject({
    TargetValue: z.number().positive(),
    PredefinedMetricPairSpecification: z
      .strictObject({
        PredefinedMetricType: z.enum(PREDICTIVE_METRIC_PAIRS),
        ResourceLabel: z.string().optional(),
      })
      .optional(),
    CustomizedLoadMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
    CustomizedScalingMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
    CustomizedCapacityMetricSpecification: PredictiveScalingCustomizedMetricSpecification.optional(),
  })
  .superRefine((m, ctx) => {
    const pair = m.PredefinedMetricPairSpecification !== undefined;
    const load = m.CustomizedLoadMetricSpecification !== undefined;
    const scaling = m.CustomizedScalingMetricSpecification !== undefined;
    if (pair && (load || scaling || m.CustomizedCapacityMetricSpecification !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["PredefinedMetricPairSpecification"],
        message: "give either a metric pair or customized load and scaling metrics, not both",
      });
    } else if (!pair && !(load && scaling)) {
      ctx.addIssue({
        code: "custom",
        path: [load ? "CustomizedScalingMetricSpecification" : "CustomizedLoadMetricSpecification"],
        message:
          "give PredefinedMetricPairSpecification, or CustomizedLoadMetricSpecification and CustomizedScalingMetricSpecification",
      });
    }
  });

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredictiveScalingPolicyConfiguration.html */
const PredictiveScalingPolicyConfiguration = z
  .strictObject({
    // "This is an array, but we currently only support a single metric specification."
    MetricSpecifications: z
      .array(PredictiveScalingMetricSpecification)
      .length(1, "exactly one metric specification is supported"),
    Mode: z.enum(["ForecastOnly", "ForecastAndScale"]).default("ForecastOnly"),
    // Default 300; "must be less than the forecast interval duration of 3600 seconds".
    SchedulingBufferTime: AwsSeconds.max(3599).default(300),
    MaxCapacityBreachBehavior: z
      .enum(["HonorMaxCapacity", "IncreaseMaxCapacity"])
      .default("HonorMaxCapacity"),
    MaxCapacityBuffer: z.number().int().min(0).max(100).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.MaxCapacityBuffer !== undefined && c.MaxCapacityBreachBehavior !== "IncreaseMaxCapacity") {
      ctx.addIssue({
        code: "custom",
        path: ["MaxCapacityBuffer"],
        message: "MaxCapacityBuffer applies only with MaxCapacityBreachBehavior IncreaseMaxCapacity",
      });
    }
  });

export const PredictiveScalingPolicy = z.strictObject({
  PolicyName: z.string().min(1),
  PolicyType: z.literal("PredictiveScaling"),
  PredictiveScalingPolicyConfiguration,
});
export type PredictiveScalingPolicy = z.output<typeof PredictiveScalingPolicy>;

// ---------------------------------------------------------------------------------------------------------
// Scheduled actions and suspend flags
// ---------------------------------------------------------------------------------------------------------

/**
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * The Schedule is checked here (cron dialect, time zone, StartTime before EndTime) so that a typo is
 * reported with its line and column.
 */
export const ScheduledAction = z
  .strictObject({
    ScheduledActionName: z.string().min(1),
    Schedule: z.string().min(1),
    Timezone: z.string().optional(),
    StartTime: Instant.optional(),
    EndTime: Instant.optional(),
    ScalableTargetAction: z
      .strictObject({
        MinCapacity: z.number().int().min(0).optional(),
        MaxCapacity: z.number().int().min(0).optional(),
      })
      .superRefine((a, ctx) => {
        if (a.MinCapacity === undefined && a.MaxCapacity === undefined) {
          ctx.addIssue({ code: "custom", message: "give MinCapacity, MaxCapacity or both" });
        } else if (
          a.MinCapacity !== undefined &&
          a.MaxCapacity !== undefined &&
          a.MinCapacity > a.MaxCapacity
        ) {
          ctx.addIssue({
            code: "custom",
            path: ["MinCapacity"],
            message: `MinCapacity ${a.MinCapacity} exceeds MaxCapacity ${a.MaxCapacity}`,
          });
        }
      }),
  })
  .superRefine((a, ctx) => {
    try {
      parseSchedule(a.Schedule, { timezone: a.Timezone, startTimeMs: a.StartTime, endTimeMs: a.EndTime });
    } catch (e) {
      if (!(e instanceof ScheduleExpressionError)) throw e;
      const path = /time zone/.test(e.message)
        ? "Timezone"
        : /EndTime/.test(e.message)
          ? "EndTime"
          : "Schedule";
      ctx.addIssue({ code: "custom", path: [path], message: e.message });
    }
  });
export type ScheduledAction = z.output<typeof ScheduledAction>;

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_SuspendedState.html (all default false) */
export const SuspendedState = z.strictObject({
  DynamicScalingInSuspended: z.boolean().default(false),
  DynamicScalingOutSuspended: z.boolean().default(false),
  ScheduledScalingSuspended: z.boolean().default(false),
});
export type SuspendedState = z.output<typeof SuspendedState>;

/**
 * A later RegisterScalableTarget call with `--suspended-state`, at `at` after the run's start: how a run
 * suspends and resumes scaling mid-way (AWS keeps the policies and actions while suspended).
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
 * The guide suspends "only" scale-in with `{ "DynamicScalingInSuspended": true }`; whether the flags a call
 * omits keep their value or return to false is not documented. Assumption `scaling.suspendedStateOmittedFlags`
 * (src/assumptions.ts): they keep it by default; write all three flags to leave no doubt.
 */
export const SuspendedStateChange = z.strictObject({
  at: Duration,
  SuspendedState: z
    .strictObject({
      DynamicScalingInSuspended: z.boolean().optional(),
      DynamicScalingOutSuspended: z.boolean().optional(),
      ScheduledScalingSuspended: z.boolean().optional(),
    })
    .refine((f) => Object.values(f).some((v) => v !== undefined), "give at least one suspend flag"),
});
export type SuspendedStateChange = z.output<typeof SuspendedStateChange>;

/** Changes of the suspended state come in time order (two calls at one instant would race). */
export function checkSuspendedStateChanges(
  changes: ReadonlyArray<{ at: number }> | undefined,
  ctx: Ctx,
): void {
  changes?.forEach((c, i) => {
    if (i > 0 && c.at <= changes[i - 1].at) {
      ctx.addIssue({
        code: "custom",
        path: ["suspendedStateChanges", i, "at"],
        message: "suspendedStateChanges must be in increasing order of `at`",
      });
    }
  });
}

type Ctx = z.core.$RefinementCtx;

/**
 * Cross-field rules of one scalable target's configuration, for a platform schema's superRefine:
 * unique policy and action names, and "multiple target tracking policies … if each one uses a different
 * metric" (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html).
 */
export function checkScalingSetup(
  p: {
    scalingPolicies: ReadonlyArray<{ PolicyName: string; PolicyType: string } & Record<string, unknown>>;
    scheduledActions?: ReadonlyArray<{ ScheduledActionName: string }>;
  },
  ctx: Ctx,
): void {
  const names = new Map<string, number>();
  const metrics = new Map<string, number>();
  p.scalingPolicies.forEach((sp, i) => {
    if (names.has(sp.PolicyName)) {
      ctx.addIssue({
        code: "custom",
        path: ["scalingPolicies", i, "PolicyName"],
        message: `duplicate PolicyName (policy ${names.get(sp.PolicyName)} has it)`,
      });
    } else names.set(sp.PolicyName, i);
    if (sp.PolicyType !== "TargetTrackingScaling") return;
    const c = sp.TargetTrackingScalingPolicyConfiguration as {
      PredefinedMetricSpecification?: { PredefinedMetricType: string };
      CustomizedMetricSpecification?: unknown;
    };
    const key =
      c.PredefinedMetricSpecification?.PredefinedMetricType ??
      JSON.stringify(c.CustomizedMetricSpecification);
    if (metrics.has(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["scalingPolicies", i, "TargetTrackingScalingPolicyConfiguration"],
        message: `target tracking policies on one service must use different metrics (policy ${metrics.get(key)} uses the same)`,
      });
    } else metrics.set(key, i);
  });
  const actions = new Set<string>();
  p.scheduledActions?.forEach((a, i) => {
    if (actions.has(a.ScheduledActionName)) {
      ctx.addIssue({
        code: "custom",
        path: ["scheduledActions", i, "ScheduledActionName"],
        message: "duplicate ScheduledActionName",
      });
    }
    actions.add(a.ScheduledActionName);
  });
}
