import { type AssumptionValues, num } from "../../assumptions.js";
import type { Continuous, Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { RoutingAlgorithm } from "../alb/router.js";
import type { ServingUnit } from "../serving-unit.js";
import {
  type DistributionSpec,
  makeDistribution,
  type ServiceTimeDistribution,
} from "../latency/distributions.js";
import { LatencyRecorder, type LatencyStats } from "../latency/recorder.js";
import { RequestLatencyRecorder } from "../latency/request-recorder.js";
import { type FluidMetrics, type FluidTask, FluidTraffic } from "./fluid.js";
import type { MinuteSeries } from "./minute-series.js";
import { type RequestWorkload, RequestTraffic, type TargetService } from "./request.js";

/** What the platform harness reads of a traffic model, whichever the mode. */
export interface TrafficModel extends Continuous {
  readonly arrived: number;
  readonly served: number;
  readonly dropped: number;
  readonly timedOut: number;
  /** Seconds of task time in RUNNING, summed over tasks. */
  readonly runningTaskSeconds: number;
  /** vCPU-seconds used by requests. */
  readonly cpuSecondsUsed: number;
  /** Requests queued or in service now (in flight at the end of the run). */
  readonly backlogRequests: number;
  /** vCPU-seconds one task has used since it was registered (request mode keeps a counter per task). */
  unitCpuSeconds?(id: number): number | undefined;
  /** Latency statistics of every request completed so far. */
  latencyTotal(): LatencyStats;
  /** Time a deregistering task needs for its in-flight requests (request mode: 0 or unknown, see onDrained). */
  inFlightDrainMs(unit: ServingUnit): TimeMs;
  /** Caveats about this run's figures (fluid mode outside its validated region). */
  /** Caveats of the run's latency figures; `advice` says what the user can do about them. */
  warnings?(advice?: string): string[];
}

export interface TrafficInputs {
  /** `engine.mode`. */
  mode: "fluid" | "request";
  /** Platform name: prefixes nothing today (streams are shared across platforms: common random numbers). */
  name: string;
  sim: Simulation;
  tickMs: TimeMs;
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  workload: RequestWorkload;
  task: FluidTask;
  /** `drained` hears when a deregistering target's last request finishes (pods exit then; ECS tasks wait). */
  service: TargetService;
  routing: { algorithm: RoutingAlgorithm; slowStartMs: TimeMs };
  sloMs: number;
  metrics: FluidMetrics;
  minutes: MinuteSeries;
  /** Per-request trace replayed at its true timestamps (request mode). */
  trace?: { timesMs: Float64Array; serviceMs?: Float64Array };
  /** False: the fluid model does not solve each minute's percentiles (see LatencyRecorder). */
  minuteQuantiles?: boolean;
}

/**
 * The workload the traffic models are configured with, in model units (durations in ms, sizes in MiB).
 * A validated scenario's `workload` (src/scenario/schema.ts) satisfies it as it is; the models name only
 * the fields they read, so they do not depend on the scenario layer.
 */
export interface WorkloadConfig {
  /** vCPU time one request costs, ms. */
  cpuPerRequest: number;
  serviceTime: DistributionSpec;
  /** Requests a task serves at once. */
  concurrency: number;
  memory?: { baseline: number; perInFlight: number };
  /** Request timeout, ms. */
  timeout: number;
  /** Fraction of the task's vCPUs used with no traffic. */
  cpuIdle: number;
  model: RequestWorkload["model"];
  /** Requests a task holds waiting beyond `concurrency` (default: assumption server.queueLimit). */
  queueLimit?: number;
}

/** The scenario's service-time distribution; `empirical` without values reads the per-request trace. */
export function serviceTimeOf(w: WorkloadConfig, traceServiceMs?: Float64Array): ServiceTimeDistribution {
  return makeDistribution(
    {
      distribution: w.serviceTime.distribution,
      mean: w.serviceTime.mean,
      cv: w.serviceTime.cv,
      values: w.serviceTime.values ?? traceServiceMs,
    },
    "workload.serviceTime",
  );
}

/**
 * The scenario's workload as the traffic models take it (`concurrency` may be capped by the platform).
 * Without `workload.queueLimit` a task's queue holds the assumption `server.queueLimit` (a real server's
 * bounded accept or worker queue; src/assumptions.ts).
 */
export function trafficWorkload(
  w: WorkloadConfig,
  service: ServiceTimeDistribution,
  assumptions: AssumptionValues,
  concurrency = w.concurrency,
): RequestWorkload {
  return {
    cpuPerRequestMs: w.cpuPerRequest,
    service,
    concurrency,
    memoryBaselineMiB: w.memory?.baseline ?? 0,
    memoryPerInFlightMiB: w.memory?.perInFlight ?? 0,
    timeoutMs: w.timeout,
    cpuIdle: w.cpuIdle,
    model: w.model,
    queueLimit: w.queueLimit ?? num(assumptions, "server.queueLimit"),
  };
}

/**
 * Build the scenario's traffic model. Random streams are named for what they draw, without the platform
 * name, so every platform of a run sees the same arrivals and service times (common random numbers).
 */
export function createTraffic(i: TrafficInputs): TrafficModel {
  if (i.mode === "fluid") {
    const latency = new LatencyRecorder(
      i.workload.service,
      i.sloMs,
      i.workload.timeoutMs,
      i.minuteQuantiles ?? true,
    );
    return new FluidTraffic(
      i.rates,
      i.stepMs,
      i.tickMs,
      i.workload,
      i.task,
      i.service,
      latency,
      i.metrics,
      i.minutes,
    );
  }
  const { sim, service } = i;
  return new RequestTraffic({
    rates: i.rates,
    stepMs: i.stepMs,
    durationMs: i.durationMs,
    workload: i.workload,
    task: i.task,
    service,
    routing: i.routing,
    latency: new RequestLatencyRecorder(i.sloMs),
    metrics: i.metrics,
    minutes: i.minutes,
    arrivalRng: sim.rng("traffic.arrivals"),
    serviceRng: sim.rng("traffic.serviceTime"),
    trace: i.trace,
    onDrained: (task, atMs) => sim.at(Math.max(atMs, sim.now), () => service.drained?.(task)),
  });
}
