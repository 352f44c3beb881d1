import { describeAssumptions } from "./assumptions.js";
import { MINUTE } from "./engine/time.js";
import { runPlatform } from "./models/platform/registry.js";
import type { PlatformResult } from "./models/platform/result.js";
import type { Scenario } from "./scenario/load.js";
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
}

/** Load the scenario's traffic and simulate every platform on it. */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const seed = options.seed ?? scenario.seed;
  const { spec, options: loadOptions } = scenarioTraffic(scenario, seed);
  return simulateSeries(scenario, await loadTraffic(spec, loadOptions), seed);
}

/** What `simulate` passes to `loadTraffic` (a sweep caches loaded series by it across variants). */
export function scenarioTraffic(scenario: Scenario, seed: number): { spec: TrafficSpec; options: LoadTrafficOptions } {
  const t = scenario.traffic;
  return {
    spec: {
      trace: t.trace,
      format: t.format,
      timestampColumn: t.timestampColumn,
      valueColumn: t.valueColumn,
      serviceColumn: t.serviceTimeColumn,
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

/** Simulate every platform on an already-loaded traffic series. */
export function simulateSeries(
  scenario: Scenario,
  series: RateSeries,
  seed = scenario.seed,
): SimulationResult {
  const durationMs = Math.floor((series.counts.length * series.stepMs) / MINUTE) * MINUTE;
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
  for (const [name, platform] of Object.entries(scenario.platforms)) {
    platforms.push(
      runPlatform({
        name,
        platform,
        scenario,
        assumptions: scenario.assumptionValues,
        rates,
        stepMs: series.stepMs,
        durationMs,
        seed,
        startMs: series.startMs,
        // Request mode replays a per-request trace at its true timestamps.
        requestTrace: series.requestTimesMs && { timesMs: series.requestTimesMs, serviceMs: series.requestServiceMs },
      }),
    );
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
      ...MODEL_ASSUMPTIONS,
      ...describeAssumptions(scenario.assumptionValues, scenario.overriddenAssumptions),
    ],
  };
}

/** Modelling choices that are not tunable values, stated in every summary. */
export const MODEL_ASSUMPTIONS: readonly string[] = [
  "traffic: arrivals are spread uniformly inside each trace interval (fluid mode) and shared equally by the tasks in service (round robin over identical targets)",
  "latency (fluid mode): service time plus backlog wait, plus CPU contention as processor sharing (cpu·ρ/(1−ρ), capped at the concurrency limit), plus M/G/c slot waiting (Allen–Cunneen mean, Erlang C probability, exponential shape); percentiles from the exact mixture distribution",
  "the service exists before the trace starts: its initial desiredCount tasks are running and healthy at t = 0",
  "a task receives traffic after healthyThreshold × healthCheckInterval (ALB defaults 5 × 30 s); with no healthy task the ALB answers 503 (counted as dropped)",
  "requests that would wait longer than workload.timeout time out; requests still queued at the end of the run are reported as in flight",
  "costs include Fargate vCPU and memory only; load balancer, data transfer, CloudWatch and storage are not included",
  "SLO attainment is the share of minutes with traffic in which at least `percentile` % of the minute's requests completed within `latency` (dropped and timed-out requests count as misses)",
];
