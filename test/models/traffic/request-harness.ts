/**
 * Builds one ECS service behind an ALB with a fixed number of warm tasks and request-mode traffic, from
 * the real parts (engine, EcsService, Fargate launcher, RequestTraffic), for the queueing validations.
 */
import { Simulation } from "../../../src/engine/sim.js";
import { MINUTE, SECOND } from "../../../src/engine/time.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { MetricSeries } from "../../../src/models/cloudwatch/metric.js";
import { EcsService } from "../../../src/models/ecs/service.js";
import { FargateLauncher } from "../../../src/models/fargate/launcher.js";
import type { ServiceTimeDistribution } from "../../../src/models/latency/distributions.js";
import { RequestLatencyRecorder } from "../../../src/models/latency/request-recorder.js";
import { MinuteSeries } from "../../../src/models/traffic/minute-series.js";
import { RequestTraffic, type ServerModel } from "../../../src/models/traffic/request.js";
import type { RoutingAlgorithm } from "../../../src/models/alb/router.js";

export interface FixedServiceSpec {
  seed: number;
  /** Requests per second (constant). */
  lambda: number;
  service: ServiceTimeDistribution;
  concurrency: number;
  model: ServerModel;
  tasks: number;
  vcpu?: number;
  cpuPerRequestMs?: number;
  durationMs: number;
  algorithm?: RoutingAlgorithm;
  queueLimit?: number;
  timeoutMs?: number;
  /** A per-request trace instead of Poisson arrivals at `lambda`. */
  trace?: { timesMs: Float64Array; serviceMs?: Float64Array };
}

export function fixedService(spec: FixedServiceSpec) {
  const sim = new Simulation(spec.seed);
  const minutes = Math.ceil(spec.durationMs / MINUTE);
  const ledger = new CostLedger(minutes);
  const launcher = new FargateLauncher(sim, {
    size: { vcpu: spec.vcpu ?? 1, memoryGb: 2 },
    rates: { vcpuHour: 0.04048, gbHour: 0.004445 },
    provisioningMs: 5000,
    pendingMs: 30000,
    ledger,
    rng: sim.rng("fargate.startup"),
  });
  const ecs = new EcsService(sim, launcher, {
    name: "svc",
    desiredCount: spec.tasks,
    targetGroup: { healthCheckInterval: 30 * SECOND, healthyThreshold: 5, deregistrationDelay: 300 * SECOND },
    stopDuration: 2000,
    scaleInSelection: "newest",
    launchesPerMinute: 500,
  });
  const steps = Math.ceil(spec.durationMs / MINUTE);
  const rates = new Float64Array(steps).fill(spec.lambda);
  const latency = new RequestLatencyRecorder(1000);
  const minuteSeries = new MinuteSeries(minutes);
  const traffic: RequestTraffic = new RequestTraffic({
    rates,
    stepMs: MINUTE,
    durationMs: spec.durationMs,
    workload: {
      cpuPerRequestMs: spec.cpuPerRequestMs ?? spec.service.mean,
      service: spec.service,
      concurrency: spec.concurrency,
      memoryBaselineMiB: 512,
      memoryPerInFlightMiB: 0,
      timeoutMs: spec.timeoutMs ?? 1e12,
      cpuIdle: 0,
      model: spec.model,
      queueLimit: spec.queueLimit ?? Number.POSITIVE_INFINITY,
    },
    task: { vcpu: spec.vcpu ?? 1, memoryMiB: 2048 },
    service: ecs,
    routing: { algorithm: spec.algorithm ?? "round_robin", slowStartMs: 0 },
    latency,
    metrics: {
      cpu: new MetricSeries("CPUUtilization", MINUTE),
      memory: new MetricSeries("MemoryUtilization", MINUTE),
      requestsPerTarget: new MetricSeries("RequestCountPerTarget", MINUTE),
    },
    minutes: minuteSeries,
    arrivalRng: sim.rng("traffic.arrivals"),
    serviceRng: sim.rng("traffic.serviceTime"),
    trace: spec.trace,
  });
  sim.addContinuous(traffic);
  ecs.warmStart(0);
  return { sim, ecs, traffic, latency, minuteSeries };
}

/** Counters after `warmMs` of warm-up until `endMs`: the steady-state sample of one replication. */
export function steadyState(spec: FixedServiceSpec, warmMs: number) {
  const { sim, traffic, latency } = fixedService(spec);
  sim.run(warmMs);
  const a = {
    started: traffic.started,
    waited: traffic.waited,
    waitSum: traffic.waitSumMs,
    served: traffic.served,
  };
  const h0 = latency.total();
  sim.run(spec.durationMs);
  const h1 = latency.total();
  const started = traffic.started - a.started;
  const served = h1.count - h0.count;
  return {
    probWait: (traffic.waited - a.waited) / started,
    meanWaitMs: (traffic.waitSumMs - a.waitSum) / started,
    meanResponseMs: (h1.mean * h1.count - h0.mean * h0.count) / served,
    served,
    traffic,
  };
}

/** Mean and half-width of the two-sided confidence interval from independent replications (Student t). */
export function confidenceInterval(xs: number[], t: number): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, half: t * Math.sqrt(v / n) };
}
