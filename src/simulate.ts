import { describeAssumptions } from "./assumptions.js";
import { MINUTE } from "./engine/time.js";
import { platformCommitments } from "./models/billing/commitments.js";
import { runPlatform } from "./wiring/platforms/registry.js";
import type { PlatformResult } from "./models/platform/result.js";
import { locateInScenario, type Scenario } from "./scenario/load.js";
import { type LoadTrafficOptions, loadTraffic, type RateSeries, type TrafficSpec } from "./trace/index.js";

/** A whole run: the traffic replayed and every platform's result. */
export interface SimulationResult {
  scenario: string;
  seed: number;
  region: string;
  startMs: number;
  durationMs: number;
  traffic: { source: string; stepMs: number; totalRequests: number; peakPerSecond: number };
  platforms: PlatformResult[];
  assumptions: string[];
}

export interface SimulateOptions {
  /** Override the scenario's seed. */
  seed?: number;
  /** Called before each platform is simulated (progress of a long run; wall-clock free). */
  onPlatform?: (name: string, index: number, count: number) => void;
}

/** Load the scenario's traffic and simulate every platform on it. */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const seed = options.seed ?? scenario.seed;
  try {
    return simulateSeries(scenario, await loadScenarioTraffic(scenario, seed), seed, options.onPlatform);
  } catch (e) {
    throw locateInScenario(e, scenario);
  }
}

/** The scenario's traffic; errors name the scenario's fields at their line and column. */
export async function loadScenarioTraffic(scenario: Scenario, seed = scenario.seed): Promise<RateSeries> {
  const { spec, options } = scenarioTraffic(scenario, seed);
  try {
    return await loadTraffic(spec, options);
  } catch (e) {
    throw locateInScenario(e, scenario);
  }
}

/** What `simulate` passes to `loadTraffic` (a sweep caches loaded series by it across variants). */
export function scenarioTraffic(
  scenario: Scenario,
  seed: number,
): { spec: TrafficSpec; options: LoadTrafficOptions } {
  const t = scenario.traffic;
  return {
    spec: {
      trace: t.trace,
      format: t.format,
      timestampColumn: t.timestampColumn,
      valueColumn: t.valueColumn,
      serviceColumn: t.serviceTimeColumn,
      perRequest: scenario.engine.mode === "request",
      gaps: t.gaps,
      multiplier: t.multiplier,
      window: t.window ? { startMs: t.window.start, durationMs: t.window.duration } : undefined,
      synthetic: t.synthetic,
      stepMs: t.synthetic?.interval,
      durationMs: scenario.duration ?? (t.synthetic ? t.window?.duration : undefined),
    },
    options: { baseDir: scenario.baseDir, seed, path: "traffic" },
  };
}

const NO_REQUESTS = new Float64Array(0);

/** Simulate every platform on an already-loaded traffic series. */
export function simulateSeries(
  scenario: Scenario,
  series: RateSeries,
  seed = scenario.seed,
  onPlatform?: SimulateOptions["onPlatform"],
  /** minuteQuantiles false: the minute series carry no p50/p95/p99 (a sweep row does not read them). */
  options: { minuteQuantiles?: boolean } = {},
): SimulationResult {
  // Whole minutes (CloudWatch's and the report's resolution), rounded up so that a trace ending inside a
  // minute (a per-request trace's last request at 58:22) keeps its end: the rest of that minute has no traffic.
  const durationMs = Math.ceil((series.counts.length * series.stepMs) / MINUTE) * MINUTE;
  const stepS = series.stepMs / 1000;
  const rates = new Float64Array(series.counts.length);
  let total = 0;
  let peak = 0;
  for (let i = 0; i < rates.length; i++) {
    rates[i] = series.counts[i] / stepS;
    total += series.counts[i];
    if (rates[i] > peak) peak = rates[i];
  }
  const platforms: PlatformResult[] = [];
  const billing = scenario.billing;
  const commitments =
    billing && (billing.savingsPlans.length > 0 || billing.reservedInstances.length > 0)
      ? billing
      : undefined;
  const entries = Object.entries(scenario.platforms);
  for (const [name, platform] of entries) {
    onPlatform?.(name, platforms.length, entries.length);
    const result = runPlatform({
      name,
      platform,
      scenario,
      assumptions: scenario.assumptionValues,
      rates,
      stepMs: series.stepMs,
      durationMs,
      seed,
      startMs: series.startMs,
      // Request mode replays a per-request trace at its true timestamps; without them (ALB logs in fluid
      // mode keep counts only) the trace's service times still give an empirical distribution.
      requestTrace:
        series.requestTimesMs || series.requestServiceMs
          ? { timesMs: series.requestTimesMs ?? NO_REQUESTS, serviceMs: series.requestServiceMs }
          : undefined,
      minuteQuantiles: options.minuteQuantiles,
    });
    if (commitments)
      result.commitments = platformCommitments(commitments, result.cost, scenario.region, durationMs);
    platforms.push(result);
  }
  return {
    scenario: scenario.name,
    seed,
    region: scenario.region,
    startMs: series.startMs,
    durationMs,
    traffic: { source: series.source, stepMs: series.stepMs, totalRequests: total, peakPerSecond: peak },
    platforms,
    assumptions: [
      ...(scenario.notes ?? []),
      ...MODEL_ASSUMPTIONS,
      ...describeAssumptions(scenario.assumptionValues, scenario.overriddenAssumptions),
    ],
  };
}

/** Modelling choices that are not tunable values, stated in every summary. */
export const MODEL_ASSUMPTIONS: readonly string[] = [
  "traffic: arrivals are spread uniformly inside each trace interval (fluid mode) and shared equally by the tasks in service (round robin over identical targets; slow start not modelled); in request mode they form a Poisson process at each interval's rate (per-request traces: their true timestamps) and the ALB routes each one from a single global round-robin or least-outstanding sequence (AWS runs several load balancer nodes whose interleaving is undocumented)",
  "latency (fluid mode): service time plus backlog wait, plus the processor-sharing stretch of the CPU part (the chance an arrival shares the CPU from the GI/M/1 result for the Erlang-n arrivals of round robin over n targets, the mean slowdown scaled by the heavy-traffic factor (ca² + cs²)/(1 + cs²), long requests at the time-average load; capped at concurrency/vCPU; docs/latency.md), plus M/G/c slot waiting (Allen–Cunneen with arrival cv² = 1/n for n round-robin targets, Erlang C probability); the extra delay has an exponential shape with the exact mean; percentiles from the exact mixture distribution",
  "latency (request mode): worker-pool tasks hold one of `concurrency` slots for the service time, FIFO queue; processor-sharing tasks spend (1 − f)·S off the CPU then f·S on it (f = min(1, cpuPerRequest / mean service time)), sharing the task's vCPUs at min(1, vCPU/n) each; percentiles from a log histogram within 1 % relative error",
  "timeouts: a request whose response would take longer than workload.timeout is a timeout (an SLO miss); a queued one is discarded when a slot reaches it and a running one finishes unseen (the server's work is wasted); a full queue (workload.queueLimit) rejects arrivals as 503s, counted as dropped",
  "a deregistering ECS task stays DEACTIVATING (running, billed, no new requests) for the whole deregistration delay, then gets SIGTERM; an EKS pod gets SIGTERM as it leaves the endpoints and exits when its in-flight requests finish (at most terminationGracePeriodSeconds); requests still at a task when it stops fail and count as dropped",
  "the service exists before the trace starts: its initial desiredCount tasks are running and healthy at t = 0",
  "a new task (pod) receives traffic after one passing ALB health check, at the first check after registration (assumptions alb.targetRegistrationDelay, alb.healthCheckSchedule); healthyThreshold applies only to recovery from unhealthy, which simulated targets never need; with no healthy task the ALB answers 503 (counted as dropped)",
  "requests that would wait longer than workload.timeout time out; requests still queued at the end of the run are reported as in flight",
  "costs cover the compute each platform bills (Fargate vCPU and memory, EC2 instances and their EBS root volumes, the EKS control plane, App Runner, SQS requests) and the Application Load Balancer in front of ECS services and EKS deployments (ALB-hours and LCU-hours; billing.loadBalancer.include: false leaves it out), at list prices unless a billing: block applies commitments; data transfer, CloudWatch and NAT are not included",
  "SLO attainment is the share of minutes with traffic in which at least `percentile` % of the minute's requests completed within `latency` (dropped and timed-out requests count as misses)",
];
