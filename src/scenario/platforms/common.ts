import { z } from "zod";
import { Duration } from "../fields.js";

/** Application Auto Scaling scalable target of an ECS service (`ecs:service:DesiredCount`). */
export const Service = z
  .strictObject({
    desiredCount: z.number().int().min(0),
    minCapacity: z.number().int().min(0),
    maxCapacity: z.number().int().min(0),
  })
  .superRefine((s, ctx) => {
    if (s.minCapacity > s.maxCapacity)
      ctx.addIssue({
        code: "custom",
        path: ["minCapacity"],
        message: `minCapacity ${s.minCapacity} exceeds maxCapacity ${s.maxCapacity}`,
      });
  });

/** ALB target group attributes; defaults from the ELB API reference. */
export const LoadBalancer = z.strictObject({
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
  healthCheckInterval: Duration.default(30_000),
  healthyThreshold: z.number().int().min(2).max(10).default(5),
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html
  deregistrationDelay: Duration.default(300_000),
});
export const LOAD_BALANCER_DEFAULTS = {
  healthCheckInterval: 30_000,
  healthyThreshold: 5,
  deregistrationDelay: 300_000,
};
