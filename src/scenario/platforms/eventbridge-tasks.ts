import * as z from "zod";
import { parseSchedule, ScheduleExpressionError } from "../../rules/schedule.js";
import { DistributionSpec, Instant } from "../fields.js";
import { TaskCompute } from "./ecs-compute.js";

/**
 * RetryPolicy of a schedule's (or a rule's) target: MaximumRetryAttempts 0–185 and MaximumEventAgeInSeconds
 * 60–86,400, both at their maxima when unset.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 */
const RetryPolicy = z
  .strictObject({
    MaximumRetryAttempts: z.number().int().min(0).max(185).default(185),
    MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).default(86_400),
  })
  .default({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });

/** A dead-letter queue for invocations whose retries are exhausted (counted, not simulated further). */
const DeadLetterConfig = z.strictObject({ Arn: z.string().min(1) }).optional();

/**
 * An EventBridge Scheduler schedule whose target is ECS RunTask, in the Scheduler API's names.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_EcsParameters.html (TaskCount 1–10, default 1)
 */
const RunTaskSchedule = z
  .strictObject({
    Name: z.string().min(1),
    ScheduleExpression: z.string().min(1),
    ScheduleExpressionTimezone: z.string().optional(),
    StartDate: Instant.optional(),
    EndDate: Instant.optional(),
    FlexibleTimeWindow: z
      .strictObject({
        Mode: z.enum(["OFF", "FLEXIBLE"]),
        MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
      })
      .default({ Mode: "OFF" }),
    TaskCount: z.number().int().min(1).max(10).default(1),
    RetryPolicy,
    DeadLetterConfig,
  })
  .superRefine((s, ctx) => {
    try {
      parseSchedule(s.ScheduleExpression, {
        timezone: s.ScheduleExpressionTimezone,
        startTimeMs: s.StartDate,
        endTimeMs: s.EndDate,
      });
    } catch (e) {
      if (!(e instanceof ScheduleExpressionError)) throw e;
      // Point at the field at fault: a bad zone or date is not the expression's fault.
      const path = /time zone/.test(e.message)
        ? "ScheduleExpressionTimezone"
        : /EndTime/.test(e.message)
          ? "EndDate"
          : "ScheduleExpression";
      ctx.addIssue({ code: "custom", path: [path], message: e.message });
    }
    if (s.FlexibleTimeWindow.Mode === "FLEXIBLE" && s.FlexibleTimeWindow.MaximumWindowInMinutes === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["FlexibleTimeWindow", "MaximumWindowInMinutes"],
        message: "MaximumWindowInMinutes is required with Mode FLEXIBLE",
      });
  });

/**
 * ECS tasks started by EventBridge: on schedules, and/or once per event of the scenario's traffic (each
 * arrival is one event, e.g. an S3 object-created notification, whose rule targets RunTask). Each task runs
 * one job of `job.duration` and exits.
 */
export const EventBridgeTasksPlatform = z
  .strictObject({
    kind: z.literal("eventbridge-tasks"),
    compute: TaskCompute.meta({
      description: "Where the tasks run: ecs-fargate or ecs-ec2 fields (no service needed).",
    }),
    job: z.strictObject({
      duration: DistributionSpec.meta({
        description: "Run time of one job, from RUNNING to its container's exit.",
      }),
    }),
    schedules: z.array(RunTaskSchedule).default([]),
    eventTarget: z
      .boolean()
      .default(false)
      .meta({ description: "Run one task per event of the scenario's traffic." }),
    eventTargetRetryPolicy: RetryPolicy.meta({
      description:
        "The rule target's RetryPolicy (PutTargets) for RunTask calls that fail for want of capacity.",
    }),
    eventTargetDeadLetterConfig: DeadLetterConfig,
    fargateVcpuQuota: z.number().positive().optional().meta({
      description:
        "Fargate On-Demand vCPU quota: tasks beyond it wait for capacity (the Service Quotas value of the account).",
    }),
  })
  .superRefine((p, ctx) => {
    if (p.schedules.length === 0 && !p.eventTarget)
      ctx.addIssue({
        code: "custom",
        path: ["schedules"],
        message: "give schedules, or eventTarget: true, or both",
      });
    if (p.compute.scalingPolicies.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["compute", "scalingPolicies"],
        message: "standalone tasks have no service to scale",
      });
    if (p.fargateVcpuQuota !== undefined && p.compute.kind !== "ecs-fargate")
      ctx.addIssue({
        code: "custom",
        path: ["fargateVcpuQuota"],
        message: "fargateVcpuQuota applies to ecs-fargate compute",
      });
  });
export type EventBridgeTasksPlatform = z.output<typeof EventBridgeTasksPlatform>;
