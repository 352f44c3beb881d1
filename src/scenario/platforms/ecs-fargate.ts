import * as z from "zod";
import { fargateSizeProblem } from "../../data/fargate.js";
import { CpuUnits, TaskMemory } from "../fields.js";
import { ScheduledAction } from "../aas.js";
import { checkScalingSetup, ScalingPolicy } from "../policies.js";
import { LoadBalancer, Service } from "./common.js";
import { checkMemoryReservation, MemoryReservation } from "./task-memory.js";
import {
  checkFargateStrategy,
  FargateSpotOptions,
  FargateStrategyItem,
} from "./fargate-capacity-providers.js";

/** An ECS service on Fargate behind an ALB. */
export const FargatePlatform = z
  .strictObject({
    kind: z.literal("ecs-fargate"),
    task: z.strictObject({
      cpu: CpuUnits,
      memory: TaskMemory,
      architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
      memoryReservation: MemoryReservation,
      // ECS ephemeralStorage.sizeInGiB: 21–200 GiB; unset = the 20 GiB every task gets free.
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html
      ephemeralStorage: z.number().int().min(21).max(200).optional().meta({
        description: "Ephemeral storage in GiB (21–200); above the free 20 GB it is billed per GB-hour.",
      }),
    }),
    service: Service,
    scalingPolicies: z.array(ScalingPolicy).default([]),
    scheduledActions: z.array(ScheduledAction).default([]),
    loadBalancer: LoadBalancer,
    pricing: z
      .strictObject({
        vcpuHour: z.number().min(0),
        gbHour: z.number().min(0),
        ephemeralStorageGbHour: z.number().min(0).optional(),
      })
      .optional(),
    // Default: every task on FARGATE (docs/ecs-ec2.md, "Fargate Spot").
    capacityProviderStrategy: z.array(FargateStrategyItem).min(1).max(20).optional(),
    fargateSpot: FargateSpotOptions.optional(),
  })
  .superRefine((p, ctx) => {
    const problem = fargateSizeProblem(p.task.cpu, p.task.memory);
    // A CPU value Fargate does not offer is the cpu field's fault; a memory that does not go with it, memory's.
    const field = /no task size with/.test(problem ?? "") ? "cpu" : "memory";
    if (problem) ctx.addIssue({ code: "custom", path: ["task", field], message: problem });
    checkMemoryReservation(p.task, ctx);
    checkScalingSetup(p, ctx);
    checkFargateStrategy(p, ctx);
  });
export type FargatePlatform = z.output<typeof FargatePlatform>;
