import { z } from "zod";
import { fargateSizeProblem } from "../../data/fargate.js";
import { CpuUnits, TaskMemory } from "../fields.js";
import { ScalingPolicy } from "../policies.js";
import { LOAD_BALANCER_DEFAULTS, LoadBalancer, Service } from "./common.js";

/** An ECS service on Fargate behind an ALB. */
export const FargatePlatform = z
  .strictObject({
    kind: z.literal("ecs-fargate"),
    task: z.strictObject({
      cpu: CpuUnits,
      memory: TaskMemory,
      architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
    }),
    service: Service,
    scalingPolicies: z.array(ScalingPolicy).default([]),
    loadBalancer: LoadBalancer.default(LOAD_BALANCER_DEFAULTS),
    pricing: z.strictObject({ vcpuHour: z.number().min(0), gbHour: z.number().min(0) }).optional(),
  })
  .superRefine((p, ctx) => {
    const problem = fargateSizeProblem(p.task.cpu, p.task.memory);
    if (problem) ctx.addIssue({ code: "custom", path: ["task", "memory"], message: problem });
  });
export type FargatePlatform = z.output<typeof FargatePlatform>;
