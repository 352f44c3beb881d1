import * as z from "zod";
import { expressionOrMetricStatIssue, queryListIssues } from "../rules/metric-queries.js";
import { parseSchedule, ScheduleExpressionError } from "../rules/schedule.js";
import { Duration, Instant } from "./fields.js";

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

export const Dimension = z.strictObject({ Name: z.string().min(1), Value: z.string() });

/** CloudWatch statistics a policy or alarm may ask for. */
export const STATISTICS = ["Average", "Minimum", "Maximum", "SampleCount", "Sum"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingMetric.html */
export const MetricRef = z.strictObject({
  MetricName: z.string().min(1),
  Namespace: z.string().min(1),
  Dimensions: z.array(Dimension).optional(),
});

/** The Id of a metric data query: the same rule for target tracking, alarm and predictive queries. */
export const QueryId = z
  .string()
  .regex(/^[a-z][A-Za-z0-9_]*$/, "Id starts with a lowercase letter, then letters, digits or _");

/** A metric data query is either an expression or a metric (every kind of query list has this rule). */
export function expressionOrMetricStat(
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
export const MetricDataQuery = z
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
