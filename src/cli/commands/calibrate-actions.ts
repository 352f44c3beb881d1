/** What `calibrate` does; loaded only when it runs. */
import { basename } from "node:path";
import { pickResult, readMetricData } from "../../backtest/metric-data.js";
import { calibrateStartup, startupBlock } from "../../calibrate/startup.js";
import { readTimings } from "../../calibrate/task-timings.js";
import { calibrateWorkload, workloadBlock } from "../../calibrate/workload.js";
import { InputError } from "../../errors.js";

export interface CalibrateOptions {
  events?: string[];
  describeTasks?: string[];
  cpu?: string;
  requests?: string;
  responseTime?: string;
  taskCounts?: string;
  taskCpu?: number;
  out?: string;
}

export function startupText(opts: CalibrateOptions): string {
  const files = [
    ...(opts.events ?? []).map((file) => ({ file, option: "--events" })),
    ...(opts.describeTasks ?? []).map((file) => ({ file, option: "--describe-tasks" })),
  ];
  return startupBlock(calibrateStartup(readTimings(files)), files.map((f) => basename(f.file)).join(", "));
}

export function workloadText(opts: CalibrateOptions): string {
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
