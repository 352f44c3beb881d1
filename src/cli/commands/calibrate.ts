import { type Command, InvalidArgumentError } from "commander";
import { readMetricData, pickResult } from "../../backtest/metric-data.js";
import { calibrateStartup, startupBlock } from "../../calibrate/startup.js";
import { readTimings } from "../../calibrate/task-timings.js";
import { calibrateWorkload, workloadBlock } from "../../calibrate/workload.js";
import { InputError } from "../../errors.js";
import { writeOutputs } from "../../report/files.js";
import { basename, dirname } from "node:path";

function cpuUnitsOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError("task CPU is a number of CPU units above 0 (1024 = 1 vCPU)");
  return n;
}

interface CalibrateOptions {
  events?: string[];
  describeTasks?: string[];
  cpu?: string;
  requests?: string;
  responseTime?: string;
  taskCounts?: string;
  taskCpu?: number;
  out?: string;
}

function startupText(opts: CalibrateOptions): string {
  const files = [
    ...(opts.events ?? []).map((file) => ({ file, option: "--events" })),
    ...(opts.describeTasks ?? []).map((file) => ({ file, option: "--describe-tasks" })),
  ];
  return startupBlock(calibrateStartup(readTimings(files)), files.map((f) => basename(f.file)).join(", "));
}

function workloadText(opts: CalibrateOptions): string {
  if (!opts.cpu || !opts.requests)
    throw new InputError("give both --cpu and --requests", { path: opts.cpu ? "--requests" : "--cpu" });
  const cpuResults = readMetricData(opts.cpu, "--cpu");
  const requests = readMetricData(opts.requests, "--requests");
  const counts = opts.taskCounts ? readMetricData(opts.taskCounts, "--task-counts") : cpuResults;
  const fit = calibrateWorkload({
    cpu:
      pickResult(cpuResults, /cpu/i, "CPUUtilization", opts.cpu, "--cpu", cpuResults.length > 1) ??
      cpuResults[0],
    requests:
      pickResult(requests, /request/i, "RequestCount", opts.requests, "--requests", requests.length > 1) ??
      requests[0],
    running: pickResult(
      counts,
      /running/i,
      "RunningTaskCount",
      opts.taskCounts ?? opts.cpu,
      "--task-counts",
      false,
    ),
    taskVcpu: opts.taskCpu === undefined ? undefined : opts.taskCpu / 1024,
    responseTimes: opts.responseTime ? readMetricData(opts.responseTime, "--response-time") : undefined,
  });
  const sources = [opts.cpu, opts.requests, opts.responseTime, opts.taskCounts].filter(Boolean) as string[];
  return workloadBlock(fit, sources.map((f) => basename(f)).join(", "));
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
    .action((opts: CalibrateOptions) => {
      const timing = (opts.events?.length ?? 0) + (opts.describeTasks?.length ?? 0) > 0;
      const workload = opts.cpu !== undefined || opts.requests !== undefined;
      if (!timing && !workload)
        throw new InputError("give --events/--describe-tasks, or --cpu and --requests", {
          path: "calibrate",
        });
      const text = [timing ? startupText(opts) : "", workload ? workloadText(opts) : ""]
        .filter(Boolean)
        .join("\n");
      if (opts.out) writeOutputs(dirname(opts.out), { [basename(opts.out)]: text });
      process.stdout.write(text);
    });
}
