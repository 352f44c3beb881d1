import { num } from "../../assumptions.js";
import type { TimeMs } from "../../engine/time.js";
import { EcsService, type EcsServiceOptions, type TaskLauncher } from "../../models/ecs/service.js";
import { TaskEventLog } from "../../models/ecs/task-events.js";
import type { Task } from "../../models/ecs/task.js";
import type { LauncherReport } from "../../models/platform/result.js";
import type { EcsCompute } from "../../scenario/platforms/ecs-compute.js";
import { buildEcsEc2Capacity } from "./ecs-ec2.js";
import { buildFargateLauncher } from "./fargate-capacity.js";
import type { PlatformRun } from "./skeleton.js";

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
 * workers and RunTask jobs. `path` is the block's place in the scenario, for errors.
 */
export function buildCompute(run: PlatformRun<unknown>, c: EcsCompute, path: string): BuiltCompute {
  const { name, scenario, assumptions } = run.input;
  const { sim, ledger, log } = run;
  const task = { vcpu: c.task.cpu / 1024, memoryMiB: c.task.memory };
  const ctx = { sim, ledger, region: scenario.region, assumptions, image: scenario.workload.image };
  if (c.kind === "ecs-fargate") {
    const launcher = buildFargateLauncher(name, c, { ...ctx, path });
    const report = () => ("report" in launcher ? launcher.report() : {});
    return { launcher, report, launchType: "FARGATE", launchesPerMinute: 500, task };
  }
  const { launcher, report } = buildEcsEc2Capacity(
    { ...ctx, name, platform: c, ebsGp3PerGbMonth: scenario.billing?.ebsGp3PerGbMonth },
    { sim, ledger, log },
  );
  return { launcher, report, launchType: "EC2", launchesPerMinute: 250, task };
}

/**
 * An ECS service without a load balancer (queue workers, RunTask jobs) on `compute`, with its task state
 * change log ("ECS Task State Change" events, `scalesim run --events`).
 */
export function workService(
  run: PlatformRun<{ compute: EcsCompute }>,
  compute: BuiltCompute,
  o: Pick<
    EcsServiceOptions,
    "desiredCount" | "stopDelay" | "scaleInSelection" | "launchesPerMinute" | "deployment"
  > & {
    group: string;
  },
): { ecs: EcsService; taskEvents: TaskEventLog } {
  const { group, ...service } = o;
  const ecs = new EcsService(run.sim, compute.launcher, {
    name: run.input.name,
    targetGroup: { healthCheckInterval: 0, healthyThreshold: 0, deregistrationDelay: 0 },
    loadBalanced: false,
    stopDuration: num(run.input.assumptions, "ecs.stopDuration"),
    ...service,
  });
  const c = run.input.platform.compute;
  const taskEvents = new TaskEventLog({
    group,
    launchType: compute.launchType,
    cpu: c.task.cpu,
    memory: c.task.memory,
  });
  ecs.observers.push(taskEvents);
  return { ecs, taskEvents };
}
