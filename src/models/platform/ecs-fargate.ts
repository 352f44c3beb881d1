import { num } from "../../assumptions.js";
import { fargateRates } from "../../data/fargate.js";
import { InputError } from "../../errors.js";
import type { FargatePlatform } from "../../scenario/schema.js";
import { FargateLauncher } from "../fargate/launcher.js";
import { fargateImagePull } from "../image/pull.js";
import { type PlatformRunInput, runEcsService } from "./ecs-service.js";
import type { PlatformResult } from "./result.js";

/** An ECS service on Fargate: every task on its own capacity, billed per second from image pull. */
export function runEcsFargate(input: PlatformRunInput<FargatePlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  const rates = p.pricing ?? fargateRates(scenario.region, p.task.architecture);
  if (typeof rates === "string") throw new InputError(rates, { path: `platforms.${name}.pricing` });
  return runEcsService(input, {
    task: { vcpu: p.task.cpu / 1024, memoryMiB: p.task.memory, memoryReservationMiB: p.task.memoryReservation },
    service: p.service,
    scalingPolicies: p.scalingPolicies,
    scheduledActions: p.scheduledActions,
    loadBalancer: p.loadBalancer,
    // The service scheduler launches up to 500 Fargate tasks per minute per service.
    // https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html
    launchesPerMinute: 500,
    launcher: ({ sim, ledger }) =>
      new FargateLauncher(sim, {
        size: { vcpu: p.task.cpu / 1024, memoryGb: p.task.memory / 1024 },
        rates,
        provisioningMs: num(a, "fargate.provisioningTime"),
        pendingMs: num(a, "fargate.pendingTime"),
        ledger,
        rng: sim.rng(`${name}.fargate.startup`),
        image: fargateImagePull(scenario.workload.image, a),
      }),
  });
}
