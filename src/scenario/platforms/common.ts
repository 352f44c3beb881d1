import * as z from "zod";
import { checkSuspendedStateChanges, SuspendedState, SuspendedStateChange } from "../aas.js";
import { Duration } from "../fields.js";

/**
 * The service's deployment configuration: how far below and above the desired count the scheduler may go
 * while it replaces tasks (on EC2, whenever a container instance is DRAINING). REPLICA defaults 100 / 200; the
 * minimum is a percentage up to 100, the maximum at least 100.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 */
export const DeploymentConfiguration = z
  .strictObject({
    minimumHealthyPercent: z.number().int().min(0).max(100).default(100),
    maximumPercent: z.number().int().min(100).default(200),
  })
  .superRefine((d, ctx) => {
    // With both at 100 the scheduler can neither start a replacement nor stop a task, so a DRAINING instance
    // never empties; the AWS CDK rejects it in the same words: "Minimum healthy percent must be less than
    // maximum healthy percent" (https://github.com/aws/aws-cdk/pull/7814).
    if (d.minimumHealthyPercent >= d.maximumPercent)
      ctx.addIssue({
        code: "custom",
        path: ["minimumHealthyPercent"],
        message: `minimumHealthyPercent ${d.minimumHealthyPercent} must be less than maximumPercent ${d.maximumPercent}`,
      });
  });

/** Application Auto Scaling scalable target of an ECS service (`ecs:service:DesiredCount`). */
export const Service = z
  .strictObject({
    desiredCount: z.number().int().min(0),
    minCapacity: z.number().int().min(0),
    maxCapacity: z.number().int().min(0),
    deploymentConfiguration: DeploymentConfiguration.default({
      minimumHealthyPercent: 100,
      maximumPercent: 200,
    }),
    // RegisterScalableTarget's SuspendedState, in AWS's field names (docs/application-auto-scaling.md).
    SuspendedState: SuspendedState.optional(),
    // Later RegisterScalableTarget calls that suspend or resume scaling mid-run (docs/application-auto-scaling.md).
    suspendedStateChanges: z.array(SuspendedStateChange).optional(),
  })
  .superRefine((s, ctx) => {
    checkSuspendedStateChanges(s.suspendedStateChanges, ctx);
    if (s.minCapacity > s.maxCapacity)
      ctx.addIssue({
        code: "custom",
        path: ["minCapacity"],
        message: `minCapacity ${s.minCapacity} exceeds maxCapacity ${s.maxCapacity}`,
      });
  })
  // RegisterScalableTarget: "If the specified resource is not active in the target service, this operation
  // does not change the resource's current capacity. Otherwise, it changes the resource's current capacity
  // to a value that is inside of this range." The service starts inside [minCapacity, maxCapacity]; the
  // desiredCount as written is kept so the output can say it was moved.
  // https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
  .transform((s) => {
    const inside = Math.min(Math.max(s.desiredCount, s.minCapacity), s.maxCapacity);
    return inside === s.desiredCount
      ? s
      : { ...s, desiredCount: inside, requestedDesiredCount: s.desiredCount };
  });

/** What the output says of a service whose desiredCount the scalable target moved into its bounds. */
export function clampedDesiredCountNote(
  platform: string,
  s: { desiredCount: number; minCapacity: number; maxCapacity: number; requestedDesiredCount?: number },
): string | undefined {
  if (s.requestedDesiredCount === undefined) return undefined;
  return `${platform}: desiredCount ${s.requestedDesiredCount} is outside [minCapacity ${s.minCapacity}, maxCapacity ${s.maxCapacity}]; as RegisterScalableTarget does, the service starts at ${s.desiredCount}`;
}

/** ALB target group attributes, ELB API defaults (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html). */
export const LOAD_BALANCER_DEFAULTS = {
  healthCheckInterval: 30_000,
  healthyThreshold: 5,
  deregistrationDelay: 300_000,
  algorithm: "round_robin" as const,
  slowStart: 0,
};

/**
 * ALB target group attributes; every key left unset takes the platform kind's default (the ELB API's for
 * ECS, the AWS Load Balancer Controller's for EKS), also when other keys are set.
 */
export function loadBalancerSchema(d: typeof LOAD_BALANCER_DEFAULTS) {
  return z
    .strictObject({
      // HealthCheckIntervalSeconds: "The approximate amount of time, in seconds, between health checks of an
      // individual target. The range is 5-300."
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
      healthCheckInterval: Duration.default(d.healthCheckInterval).refine(
        (ms) => ms >= 5_000 && ms <= 300_000 && ms % 1000 === 0,
        "healthCheckInterval is whole seconds from 5s to 300s (HealthCheckIntervalSeconds 5-300)",
      ),
      // HealthyThresholdCount 2–10 (same source); it applies only to recovery from unhealthy.
      healthyThreshold: z.number().int().min(2).max(10).default(d.healthyThreshold),
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
      deregistrationDelay: Duration.default(d.deregistrationDelay),
      // load_balancing.algorithm.type, default round_robin (same source); request mode routes by it.
      algorithm: z.enum(["round_robin", "least_outstanding_requests"]).default(d.algorithm),
      // slow_start.duration_seconds: 0 (off, the default) or 30–900 s (same source).
      slowStart: Duration.default(d.slowStart),
    })
    .superRefine((lb, ctx) => {
      if (lb.slowStart !== 0 && (lb.slowStart < 30_000 || lb.slowStart > 900_000)) {
        ctx.addIssue({
          code: "custom",
          path: ["slowStart"],
          message: "slowStart must be 0 (off) or between 30s and 900s",
        });
      }
      // "You can't enable slow start mode when using the least outstanding requests ... routing algorithms."
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode
      if (lb.slowStart !== 0 && lb.algorithm === "least_outstanding_requests") {
        ctx.addIssue({
          code: "custom",
          path: ["slowStart"],
          message: "ALB does not allow slow start with least_outstanding_requests",
        });
      }
    })
    .default(d);
}

/** An ECS service's target group. */
export const LoadBalancer = loadBalancerSchema(LOAD_BALANCER_DEFAULTS);
