import type { FargatePlatform } from "../../scenario/schema.js";
import { type PlatformRunInput, runEcsService } from "./ecs-service.js";
import { buildCompute } from "./ecs-compute.js";
import type { PlatformResult } from "../../models/platform/result.js";

/**
 * An ECS service on Fargate: every task on its own capacity (FARGATE, or FARGATE_SPOT by a capacity provider
 * strategy), billed per second from image pull.
 */
export function runEcsFargate(input: PlatformRunInput<FargatePlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  return runEcsService(input, {
    task: {
      vcpu: p.task.cpu / 1024,
      memoryMiB: p.task.memory,
      memoryReservationMiB: p.task.memoryReservation,
    },
    service: p.service,
    scalingPolicies: p.scalingPolicies,
    scheduledActions: p.scheduledActions,
    loadBalancer: p.loadBalancer,
    // The service scheduler launches up to 500 Fargate tasks per minute per service.
    // https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html
    launchesPerMinute: 500,
    compute: (ctx) =>
      buildCompute(name, p, {
        ...ctx,
        region: scenario.region,
        assumptions: a,
        image: scenario.workload.image,
        path: `platforms.${name}`,
      }),
  });
}
