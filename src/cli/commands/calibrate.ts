import { type Command, InvalidArgumentError } from "commander";
import { basename, dirname } from "node:path";
import { InputError } from "../../errors.js";
import type { CalibrateOptions } from "./calibrate-actions.js";

function cpuUnitsOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError("task CPU is a number of CPU units above 0 (1024 = 1 vCPU)");
  return n;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description(
      "fit the start-up timings (--events) or the workload block (--cpu --requests) from a service's AWS exports",
    )
    .option(
      "--events <file>",
      "EventBridge ECS task (and container instance, EC2 instance) state change events, JSON lines; repeatable",
      collect,
    )
    .option("--describe-tasks <file>", "JSON of: aws ecs describe-tasks; repeatable", collect)
    .option(
      "--cpu <file>",
      "JSON of: aws cloudwatch get-metric-data with the service's CPUUtilization (and RunningTaskCount)",
    )
    .option("--requests <file>", "JSON of: aws cloudwatch get-metric-data with the ALB's RequestCount (Sum)")
    .option(
      "--response-time <file>",
      "JSON of: aws cloudwatch get-metric-data with TargetResponseTime (Average and/or p50, p99...)",
    )
    .option(
      "--task-counts <file>",
      "JSON of: aws cloudwatch get-metric-data with Container Insights RunningTaskCount",
    )
    .option("--task-cpu <units>", "the task's CPU units (1024 = 1 vCPU), for cpuPerRequest", cpuUnitsOption)
    .option("-o, --out <file>", "write the block here too")
    .action(async (opts: CalibrateOptions) => {
      const timing = (opts.events?.length ?? 0) + (opts.describeTasks?.length ?? 0) > 0;
      const workload = opts.cpu !== undefined || opts.requests !== undefined;
      if (!timing && !workload)
        throw new InputError("give --events/--describe-tasks, or --cpu and --requests", {
          path: "calibrate",
        });
      const { startupText, workloadText } = await import("./calibrate-actions.js");
      const { writeOutputs } = await import("../../output/files.js");
      const text = [timing ? startupText(opts) : "", workload ? workloadText(opts) : ""]
        .filter(Boolean)
        .join("\n");
      if (opts.out) writeOutputs(dirname(opts.out), { [basename(opts.out)]: text });
      process.stdout.write(text);
    });
}
