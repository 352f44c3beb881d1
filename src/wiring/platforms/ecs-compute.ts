import type { AssumptionValues } from "../../assumptions.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { EcsCompute } from "../../scenario/platforms/ecs-compute.js";
import type { ContainerImageSpec } from "../../scenario/image.js";
import type { CostLedger } from "../../models/billing/ledger.js";
import type { DecisionSink } from "../../models/decisions.js";
import type { TaskLauncher } from "../../models/ecs/service.js";
import type { Task } from "../../models/ecs/task.js";
import { buildEcsEc2Capacity } from "./ecs-ec2.js";
import { buildFargateLauncher } from "./fargate-capacity.js";
import type { LauncherReport } from "../../models/platform/result.js";

export type ComputeLauncher = TaskLauncher & {
  finish(tasks: readonly Task[], endMs: TimeMs): void;
  billedTaskSeconds: number;
};

export interface BuiltCompute {
  launcher: ComputeLauncher;
  /** What the launch type has to say at the end (instances, idle capacity, its own invariants). */
  report(): LauncherReport;
  launchType: "FARGATE" | "EC2";
  /** Tasks a service may launch per minute: 500 on Fargate, 250 on EC2. https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html */
  launchesPerMinute: number;
  task: { vcpu: number; memoryMiB: number };
}

/**
 * The launcher of an `ecs-fargate` or `ecs-ec2` compute block: the service of those platform kinds, queue
 * workers and RunTask jobs. The service scheduler launches up to 500 Fargate or 250 EC2 tasks per minute.
 */
export function buildCompute(
  name: string,
  c: EcsCompute,
  ctx: {
    sim: Simulation;
    ledger: CostLedger;
    log: DecisionSink;
    region: string;
    assumptions: AssumptionValues;
    image?: ContainerImageSpec;
    ebsGp3PerGbMonth?: number;
    /** Path of the compute block in the scenario, for errors. */
    path: string;
  },
): BuiltCompute {
  const a = ctx.assumptions;
  const task = { vcpu: c.task.cpu / 1024, memoryMiB: c.task.memory };
  if (c.kind === "ecs-fargate") {
    const launcher = buildFargateLauncher(name, c, ctx);
    const report = () => ("report" in launcher ? launcher.report() : {});
    return { launcher, report, launchType: "FARGATE", launchesPerMinute: 500, task };
  }
  const { launcher, report } = buildEcsEc2Capacity(
    {
      name,
      platform: c,
      region: ctx.region,
      assumptions: a,
      image: ctx.image,
      ebsGp3PerGbMonth: ctx.ebsGp3PerGbMonth,
    },
    { sim: ctx.sim, ledger: ctx.ledger, log: ctx.log },
  );
  return { launcher, report, launchType: "EC2", launchesPerMinute: 250, task };
}
