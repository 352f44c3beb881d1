import { z } from "zod";
import { checkSuspendedStateChanges, SuspendedState, SuspendedStateChange } from "../aas.js";
import { Duration } from "../fields.js";

/** Application Auto Scaling scalable target of an ECS service (`ecs:service:DesiredCount`). */
export const Service = z
  .strictObject({
    desiredCount: z.number().int().min(0),
    minCapacity: z.number().int().min(0),
    maxCapacity: z.number().int().min(0),
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

/** ALB target group attributes; defaults from the ELB API reference. */
export const LoadBalancer = z
  .strictObject({
    // HealthCheckIntervalSeconds: "The approximate amount of time, in seconds, between health checks of an
    // individual target. The range is 5-300." Default 30 for HTTP target groups.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
    healthCheckInterval: Duration.default(30_000).refine(
      (ms) => ms >= 5_000 && ms <= 300_000 && ms % 1000 === 0,
      "healthCheckInterval is whole seconds from 5s to 300s (HealthCheckIntervalSeconds 5-300)",
    ),
    healthyThreshold: z.number().int().min(2).max(10).default(5),
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
    deregistrationDelay: Duration.default(300_000),
    // load_balancing.algorithm.type, default round_robin (same source); request mode routes by it.
    algorithm: z.enum(["round_robin", "least_outstanding_requests"]).default("round_robin"),
    // slow_start.duration_seconds: 0 (off, the default) or 30–900 s (same source).
    slowStart: Duration.default(0),
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
  });
export const LOAD_BALANCER_DEFAULTS = {
  healthCheckInterval: 30_000,
  healthyThreshold: 5,
  deregistrationDelay: 300_000,
  algorithm: "round_robin" as const,
  slowStart: 0,
};
