import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { LatencyStats } from "../../models/latency/recorder.js";
export { CountRange } from "../../models/platform/capacity-steps.js";
import type { LauncherReport, PlatformResult } from "../../models/platform/result.js";
import type { MinuteSeries } from "../../models/traffic/minute-series.js";
import type { BuiltCompute } from "./ecs-compute.js";
import { costMatchesMetersCheck, costOf } from "./harness.js";
import type { ClosedBooks, PlatformRun } from "./skeleton.js";

/** Running time of a count of tasks (task-milliseconds), over the run and over the minute being closed. */
export class RunningTime {
  totalMs = 0;
  private minuteMs = 0;
  private last: TimeMs = 0;
  constructor(private readonly count: () => number) {}
  /** Add the time since the last change at the count that held over it. */
  integrate(now: TimeMs): void {
    const dt = now - this.last;
    this.totalMs += this.count() * dt;
    this.minuteMs += this.count() * dt;
    this.last = now;
  }
  /** The closing minute's mean count (RunningTaskCount's minute average); the next minute starts at zero. */
  closeMinute(): number {
    const mean = this.minuteMs / MINUTE;
    this.minuteMs = 0;
    return mean;
  }
}

/** One minute of a platform that runs work rather than web requests (queue workers, jobs). */
export interface WorkMinute {
  arrived: number;
  served: number;
  dropped: number;
  desired: number;
  /** Mean running tasks over the minute (all of them in service: there is no load balancer). */
  running: number;
}

/** Close minute `minute` of the series for work-running platforms: counts, tasks and latency; no CPU or memory. */
export function closeWorkMinute(series: MinuteSeries, minute: number, m: WorkMinute, latency: LatencyStats) {
  const cols = series.columns;
  cols.arrived[minute] = m.arrived;
  cols.served[minute] = m.served;
  cols.dropped[minute] = m.dropped;
  cols.timedOut[minute] = 0;
  cols.desired[minute] = m.desired;
  cols.running[minute] = m.running;
  cols.inService[minute] = m.running;
  cols.cpuPercent[minute] = Number.NaN;
  cols.memoryPercent[minute] = Number.NaN;
  series.setLatency(minute, latency);
}

/** CPU used as a share of the vCPU paid for, in percent (0 when nothing was paid). */
export function cpuPercentOfPaid(
  usedVcpuSeconds: number,
  paidVcpuSeconds: number,
): PlatformResult["utilisation"] {
  return { cpuPercentOfPaid: paidVcpuSeconds > 0 ? (100 * usedVcpuSeconds) / paidVcpuSeconds : 0 };
}

/** The capacity block of a platform whose running time is integrated in task-milliseconds. */
export function taskCapacity(
  range: { min: number; max: number },
  runningMs: number,
  durationMs: TimeMs,
  billedTaskSeconds: number,
): PlatformResult["capacity"] {
  return {
    min: Number.isFinite(range.min) ? range.min : 0,
    max: range.max,
    mean: durationMs > 0 ? runningMs / durationMs : 0,
    taskHours: runningMs / 3_600_000,
    billedTaskHours: billedTaskSeconds / 3600,
  };
}

/** The capacity block of a platform behind a traffic model, which integrates running units in seconds. */
export function servedCapacity(
  range: { min: number; max: number },
  runningSeconds: number,
  durationMs: TimeMs,
  billedHours: number,
): PlatformResult["capacity"] {
  return {
    min: range.min,
    max: range.max,
    mean: durationMs > 0 ? runningSeconds / (durationMs / 1000) : 0,
    taskHours: runningSeconds / 3600,
    billedTaskHours: billedHours,
  };
}

/** The launch type's extra figures for the result (EC2 instances, idle capacity cost); absent when none. */
export function launcherFigures(extra: LauncherReport): Pick<PlatformResult, "capacityCost" | "instances"> {
  return {
    ...(extra.capacityCost ? { capacityCost: extra.capacityCost } : {}),
    ...(extra.instances ? { instances: extra.instances } : {}),
  };
}

type Shared = "name" | "minutes" | "cost" | "decisions" | "checks";
/** `Omit` for each member of a union (each kind stays paired with its details). */
type OmitEach<R, K extends PropertyKey> = R extends unknown ? Omit<R, K> : never;

/** What a kind's `collect` adds to the fields every result shares: its kind, its figures, its checks. */
export type KindFigures = OmitEach<PlatformResult, Shared> & {
  /** The kind's own checks: the first is its conservation law; the cost check follows it. */
  conservation: PlatformResult["checks"][number];
  checks: PlatformResult["checks"];
};

/**
 * Result assembly: the fields every kind shares (name, kind, minute series, cost, decision log) and the
 * invariant checks in one order: the kind's conservation law, cost equals its meters, then the kind's own.
 */
export function assembleResult(
  run: PlatformRun<unknown>,
  books: ClosedBooks,
  f: KindFigures,
): PlatformResult {
  const { conservation, checks, ...rest } = f;
  return {
    name: run.input.name,
    ...rest,
    minutes: run.series,
    cost: costOf(run.ledger, books.totalUsd),
    decisions: run.decisions,
    checks: [conservation, costMatchesMetersCheck(books.perMinuteCost, books.totalUsd), ...checks],
  };
}

/** What a platform that runs ECS tasks without a load balancer (queue workers, jobs) adds to its result. */
export type WorkFigures = OmitEach<
  Extract<PlatformResult, { kind: "sqs-worker" | "eventbridge-tasks" }>,
  Shared | "capacity" | "utilisation"
> & {
  conservation: PlatformResult["checks"][number];
  checks: PlatformResult["checks"];
  /** Lowest and highest running tasks. */
  range: { min: number; max: number };
  /** Running time of the tasks, task-milliseconds. */
  runningMs: number;
  /** vCPU-seconds the work used (the share of the paid vCPU-seconds it kept busy). */
  usedVcpuSeconds: number;
};

/**
 * Result assembly for ECS tasks without a load balancer: capacity from the tasks' running time, utilisation
 * against what the launch type paid for, and the launch type's figures and checks after the kind's own.
 */
export function assembleWorkResult(
  run: PlatformRun<unknown>,
  books: ClosedBooks,
  compute: BuiltCompute,
  f: WorkFigures,
): PlatformResult {
  const { range, runningMs, usedVcpuSeconds, checks, ...rest } = f;
  const extra = compute.report();
  const billed = compute.launcher.billedTaskSeconds;
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? billed * compute.task.vcpu;
  return assembleResult(run, books, {
    ...rest,
    capacity: taskCapacity(range, runningMs, run.input.durationMs, billed),
    utilisation: cpuPercentOfPaid(usedVcpuSeconds, paidVcpuSeconds),
    checks: [...checks, ...(extra.checks ?? [])],
    ...launcherFigures(extra),
  });
}
