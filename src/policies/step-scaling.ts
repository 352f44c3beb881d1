import * as z from "zod";
import { num } from "../assumptions.js";
import { SECOND } from "../engine/time.js";
import { StepPolicyRunner } from "../models/aas/step-controller.js";
import { alarmPeriodIssue, validateAlarmConfig } from "../rules/alarm-config.js";
import { validateStepAdjustments } from "../rules/step-adjustments.js";
import {
  checkQueryList,
  Dimension,
  expressionOrMetricStat,
  MetricRef,
  QueryId,
  STATISTICS,
} from "../scenario/aas.js";
import { AwsSeconds } from "../scenario/fields.js";
import type { PolicyPlugin } from "./plugin.js";

/**
 * Step scaling: a CloudWatch alarm invokes the policy, which picks the step adjustment for the alarm's
 * metric (StepScalingPolicyConfiguration, the alarm under `Alarm:` in PutMetricAlarm's field names). Its
 * runner (src/models/aas/step-controller.ts) owns the alarm; in arbitration it acts alone and keeps its own
 * cooldown.
 *   [PSP] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 *   [PMA] https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 *   [UG]  https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 */

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

export const stepScaling: PolicyPlugin<"StepScaling", typeof StepScalingPolicy> = {
  type: "StepScaling",
  schema: StepScalingPolicy,
  aws: {
    configuration: "StepScalingPolicyConfiguration",
    terraformBlock: "step_scaling_policy_configuration",
    // aws_appautoscaling_policy `policy_type`: "Defaults to StepScaling."
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/appautoscaling_policy
    terraformDefault: true,
    cloudFormation: {
      fields: ["AdjustmentType", "Cooldown", "MetricAggregationType", "MinAdjustmentMagnitude"],
      numbers: ["Cooldown", "MinAdjustmentMagnitude"],
      lists: {
        StepAdjustments: {
          fields: ["MetricIntervalLowerBound", "MetricIntervalUpperBound", "ScalingAdjustment"],
          numbers: ["MetricIntervalLowerBound", "MetricIntervalUpperBound", "ScalingAdjustment"],
        },
      },
    },
    invokedByAlarm: true,
  },
  build(sp, ctx) {
    const c = sp.StepScalingPolicyConfiguration;
    const al = sp.Alarm;
    // An alarm on one metric, or on metric math (PutMetricAlarm `Metrics`, metric-math.ts).
    const metric = al.Metrics
      ? ctx.lookup("Alarm.Metrics", () => ctx.registry.query(al.Metrics!))
      : ctx.lookup("Alarm.MetricName", () =>
          ctx.registry.resolve(
            { Namespace: al.Namespace, MetricName: al.MetricName!, Statistic: al.Statistic },
            al.Period * SECOND,
          ),
        );
    const returned = al.Metrics?.find(
      (q) => q.ReturnData !== false && (al.Metrics!.length === 1 || q.ReturnData === true),
    );
    const extra = num(ctx.assumptions, "cloudwatch.evaluationRangeExtraPeriods");
    const runner = new StepPolicyRunner({
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
    });
    return { runner };
  },
};
