import * as z from "zod";
import { instanceType, listInstanceTypes } from "../../data/ec2.js";
import { CpuUnits, Duration, Probability, TaskMemory } from "../fields.js";
import { ScheduledAction } from "../aas.js";
import { checkScalingSetup, ScalingPolicy } from "../policies.js";
import { LoadBalancer, Service } from "./common.js";
import { checkMemoryReservation, MemoryReservation } from "./task-memory.js";
import { ImagePullBehaviorSpec } from "../image.js";

/**
 * An ECS service on EC2 container instances from Auto Scaling group capacity providers.
 * Field names and defaults follow the ECS and EC2 Auto Scaling APIs:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedScaling.html
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
 */

const Enabled = z.enum(["ENABLED", "DISABLED"]);

/** ManagedScaling with the API's defaults and ranges. */
const ManagedScaling = z.strictObject({
  status: Enabled.default("ENABLED"),
  targetCapacity: z.number().int().min(1).max(100).default(100),
  minimumScalingStepSize: z.number().int().min(1).max(10_000).default(1),
  maximumScalingStepSize: z.number().int().min(1).max(10_000).default(10_000),
  instanceWarmupPeriod: z.number().int().min(0).max(10_000).default(300),
});
const MANAGED_SCALING_DEFAULTS = {
  status: "ENABLED" as const,
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  instanceWarmupPeriod: 300,
};

/** A Spot price: a fixed discount off On-Demand, or a series of discounts over simulated time. */
const SpotOptions = z.strictObject({
  discount: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .meta({ description: "Spot price = On-Demand × (1 − discount); default: assumption ec2Spot.discount." }),
  priceSeries: z
    .array(z.strictObject({ at: Duration, discount: z.number().min(0).lt(1) }))
    .min(1)
    .optional()
    .meta({ description: "Discount over simulated time (piecewise constant from each `at`)." }),
  interruptionFrequency: Probability.optional().meta({
    description:
      "Share of Spot instances interrupted per month; default: assumption ec2Spot.interruptionFrequency.",
  }),
  instanceDraining: z
    .boolean()
    .default(false)
    .meta({ description: "ECS_ENABLE_SPOT_INSTANCE_DRAINING (agent default false)." }),
});

// The Auto Scaling API's InstancesDistribution, with its defaults: SpotAllocationStrategy lowest-price
// ("This is the default value") and SpotInstancePools 2 (1–20, "Valid only when the SpotAllocationStrategy
// is lowest-price"). https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
const InstancesDistribution = z
  .strictObject({
    onDemandBaseCapacity: z.number().int().min(0).default(0),
    onDemandPercentageAboveBaseCapacity: z.number().int().min(0).max(100).default(100),
    onDemandAllocationStrategy: z.enum(["prioritized", "lowest-price"]).default("prioritized"),
    spotAllocationStrategy: z
      .enum(["price-capacity-optimized", "capacity-optimized", "lowest-price"])
      .default("lowest-price"),
    spotInstancePools: z.number().int().min(1).max(20).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.spotInstancePools !== undefined && d.spotAllocationStrategy !== "lowest-price")
      ctx.addIssue({
        code: "custom",
        path: ["spotInstancePools"],
        message: "spotInstancePools is valid only with spotAllocationStrategy lowest-price",
      });
  })
  .transform((d) => ({ ...d, spotInstancePools: d.spotInstancePools ?? 2 }));

/** A launch phase: a fixed duration, or a distribution by mean (and cv, lognormal default 0.3). */
const LaunchTime = z.union([
  Duration.transform((mean) => ({ distribution: "deterministic" as const, mean, cv: 0 })),
  z
    .strictObject({
      distribution: z.enum(["deterministic", "exponential", "lognormal"]),
      mean: Duration,
      cv: z.number().min(0).optional(),
    })
    .transform((d) => ({
      distribution: d.distribution,
      mean: d.mean,
      cv: d.distribution === "exponential" ? 1 : d.distribution === "deterministic" ? 0 : (d.cv ?? 0.3),
    })),
]);

const AutoScalingGroup = z
  .strictObject({
    instanceTypes: z.array(z.string()).min(1),
    minSize: z.number().int().min(0),
    maxSize: z.number().int().min(0),
    desiredCapacity: z.number().int().min(0).optional(),
    instancesDistribution: InstancesDistribution.optional(),
    spot: SpotOptions.optional(),
    pendingTime: LaunchTime.optional().meta({
      description: "EC2 pending (not billed); default: assumption ec2.pendingTime.",
    }),
    registrationTime: LaunchTime.optional().meta({
      description: "Boot and ECS agent registration (billed); default: assumption ec2.registrationTime.",
    }),
    rootVolumeGb: z
      .number()
      .int()
      .min(1)
      .default(30)
      .meta({ description: "Root EBS gp3 volume (ECS-optimized AMI default 30 GiB)." }),
    pricing: z
      .strictObject({
        perHour: z
          .record(z.string(), z.number().min(0))
          .optional()
          .meta({ description: "USD per hour per type, replacing the pinned On-Demand price." }),
        discount: z.number().min(0).lt(1).optional().meta({
          description: "Discount on On-Demand (Savings Plans, Reserved Instances, negotiated rates).",
        }),
      })
      .optional(),
  })
  .superRefine((g, ctx) => {
    if (g.minSize > g.maxSize)
      ctx.addIssue({
        code: "custom",
        path: ["minSize"],
        message: `minSize ${g.minSize} exceeds maxSize ${g.maxSize}`,
      });
    if (g.desiredCapacity !== undefined && (g.desiredCapacity < g.minSize || g.desiredCapacity > g.maxSize)) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredCapacity"],
        message: `desiredCapacity ${g.desiredCapacity} must be within [minSize ${g.minSize}, maxSize ${g.maxSize}]`,
      });
    }
    g.instanceTypes.forEach((t, i) => {
      try {
        instanceType(t);
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["instanceTypes", i],
          message: `unknown instance type "${t}"; pinned types: ${listInstanceTypes().join(", ")}`,
        });
      }
    });
    if (g.spot?.discount !== undefined && g.spot.priceSeries !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["spot", "priceSeries"],
        message: "give either spot.discount or spot.priceSeries, not both",
      });
    }
  });

const CapacityProvider = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, "capacity provider names use letters, digits, '-' and '_'"),
  autoScalingGroup: AutoScalingGroup,
  managedScaling: ManagedScaling.default(MANAGED_SCALING_DEFAULTS),
  managedTerminationProtection: Enabled.default("DISABLED"),
  managedDraining: Enabled.default("ENABLED"),
});

const StrategyItem = z.strictObject({
  capacityProvider: z.string(),
  base: z.number().int().min(0).max(100_000).default(0),
  weight: z.number().int().min(0).max(1000).default(0),
});

const PlacementStrategy = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("binpack"), field: z.enum(["cpu", "memory"]) }),
  z.strictObject({
    type: z.literal("spread"),
    field: z.enum(["attribute:ecs.availability-zone", "instanceId", "host"]),
  }),
  z.strictObject({ type: z.literal("random") }),
]);

const PlacementConstraint = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("distinctInstance") }),
  z.strictObject({ type: z.literal("memberOf"), expression: z.string().min(1) }),
]);

export const Ec2Platform = z
  .strictObject({
    kind: z.literal("ecs-ec2"),
    task: z.strictObject({
      cpu: CpuUnits,
      memory: TaskMemory,
      memoryReservation: MemoryReservation,
      // The task-definition default on Linux container instances is bridge.
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#network_mode
      networkMode: z.enum(["bridge", "awsvpc", "host"]).default("bridge"),
      hostPort: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .optional()
        .meta({ description: "A static host port (bridge/host): one task per instance." }),
    }),
    service: Service,
    scalingPolicies: z.array(ScalingPolicy).default([]),
    scheduledActions: z.array(ScheduledAction).default([]),
    loadBalancer: LoadBalancer,
    capacityProviders: z.array(CapacityProvider).min(1),
    capacityProviderStrategy: z.array(StrategyItem).min(1).max(20).optional(),
    // The service default: spread across Availability Zones. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
    placementStrategy: z
      .array(PlacementStrategy)
      .max(5)
      .default([{ type: "spread", field: "attribute:ecs.availability-zone" }]),
    placementConstraints: z.array(PlacementConstraint).max(10).default([]),
    daemons: z
      .array(z.strictObject({ name: z.string(), cpu: CpuUnits, memory: TaskMemory }))
      .default([])
      .meta({ description: "DAEMON services: one task on every container instance." }),
    availabilityZones: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: "Default: <region>a, <region>b, <region>c." }),
    awsvpcTrunking: z.boolean().default(false),
    reservedMemory: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({ description: "ECS_RESERVED_MEMORY in MiB (agent default 0)." }),
    // ECS_IMAGE_PULL_BEHAVIOR of the agent (default `default`); used when the workload names an image.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html
    imagePullBehavior: ImagePullBehaviorSpec,
  })
  .superRefine((p, ctx) => {
    checkScalingSetup(p, ctx);
    checkMemoryReservation(p.task, ctx);
    const names = p.capacityProviders.map((c) => c.name);
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n))
        ctx.addIssue({
          code: "custom",
          path: ["capacityProviders", i, "name"],
          message: `capacity provider ${n} appears twice`,
        });
      seen.add(n);
    });
    const strategy = p.capacityProviderStrategy ?? [];
    let withBase = 0;
    let weights = 0;
    strategy.forEach((s, i) => {
      if (!seen.has(s.capacityProvider)) {
        // A strategy holds Fargate or Auto Scaling group providers, never both.
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
        const fargate = s.capacityProvider === "FARGATE" || s.capacityProvider === "FARGATE_SPOT";
        ctx.addIssue({
          code: "custom",
          path: ["capacityProviderStrategy", i, "capacityProvider"],
          message: fargate
            ? `a strategy may not mix Fargate and Auto Scaling group providers: ${s.capacityProvider} belongs on an ecs-fargate platform`
            : `unknown capacity provider "${s.capacityProvider}"; defined: ${names.join(", ")}`,
        });
      }
      if (s.base > 0) withBase++;
      weights += s.weight;
    });
    if (withBase > 1)
      ctx.addIssue({
        code: "custom",
        path: ["capacityProviderStrategy"],
        message: "only one capacity provider in a strategy can have a base",
      });
    if (strategy.length > 1 && weights === 0)
      ctx.addIssue({
        code: "custom",
        path: ["capacityProviderStrategy"],
        message: "at least one capacity provider in the strategy must have a weight greater than 0",
      });
    if (strategy.length === 0 && p.capacityProviders.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["capacityProviderStrategy"],
        message: "several capacity providers need a capacityProviderStrategy saying how tasks are split",
      });
    }
    if (p.task.hostPort !== undefined && p.task.networkMode === "awsvpc") {
      ctx.addIssue({
        code: "custom",
        path: ["task", "hostPort"],
        message: "awsvpc tasks have their own ENI; a static host port applies to bridge or host mode",
      });
    }
    // A task must fit the smallest instance type of some provider, or it can never run.
    p.capacityProviders.forEach((c, i) => {
      for (const t of c.autoScalingGroup.instanceTypes) {
        let info: ReturnType<typeof instanceType>;
        try {
          info = instanceType(t);
        } catch {
          continue;
        }
        const daemonCpu = p.daemons.reduce((s, d) => s + d.cpu, 0);
        const daemonMem = p.daemons.reduce((s, d) => s + d.memory, 0);
        if (
          p.task.cpu + daemonCpu > info.vcpu * 1024 ||
          p.task.memory + daemonMem + p.reservedMemory > info.memoryMiB
        ) {
          ctx.addIssue({
            code: "custom",
            path: ["capacityProviders", i, "autoScalingGroup", "instanceTypes"],
            message: `a task of ${p.task.cpu} CPU units / ${p.task.memory} MiB (plus daemons) does not fit ${t} (${info.vcpu * 1024} CPU units, ${info.memoryMiB} MiB)`,
          });
        }
      }
    });
  });
export type Ec2Platform = z.output<typeof Ec2Platform>;
