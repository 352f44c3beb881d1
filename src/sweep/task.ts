/**
 * One run of a sweep: validate the variant's scenario, load its traffic (cached: variants that share a
 * trace read it once per worker), simulate, and reduce the summary to the metrics the sweep table needs.
 * Runs in a worker thread or inline; the result depends only on the task, never on where it ran.
 */
import { fromObject } from "../scenario/load.js";
import { type PlatformSummary, summarise } from "../analysis/summary.js";
import { evaluateThresholds } from "../analysis/thresholds.js";
import { scenarioTraffic, simulateSeries } from "../simulate.js";
import { loadTraffic, type RateSeries } from "../trace/index.js";
import { canonicalJson } from "./path.js";
import { scaleShared, unscaledSpec } from "./shared-traffic.js";

export interface RunTask {
  key: string;
  seed: number;
  scenario: Record<string, unknown>;
  file: string;
  baseDir: string;
  /** The run's trace as the main thread read it (windowed, not yet multiplied), in shared memory. */
  traffic?: RateSeries;
}

/** Per-platform figures of one run (rounded as summary.json rounds them). */
export interface RunMetrics {
  kind: string;
  costUsd: number;
  monthlyUsd: number;
  perMillionUsd: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  sloLatencyMs: number;
  sloPercentile: number;
  sloAttainment: number;
  violationMinutes: number;
  requestsWithinLatency: number;
  arrived: number;
  dropped: number;
  timedOut: number;
  meanTasks: number;
  maxTasks: number;
  taskHours: number;
  scaleOut: number;
  scaleIn: number;
  checksOk: boolean;
  /** The scenario's `thresholds:` for this platform all hold; null when it sets none for it. */
  thresholdsOk: boolean | null;
}

export type RunOutcome =
  | { status: "ok"; platforms: Record<string, RunMetrics> }
  | { status: "failed"; error: string };

/**
 * Loaded traffic by what `loadTraffic` is given less the multiplier (applied per run, so variants that
 * vary only the multiplier share one entry); a few entries suffice (variants rarely vary traces).
 */
const traffic = new Map<string, Promise<RateSeries>>();
const TRAFFIC_CACHE_ENTRIES = 4;

function cachedTraffic(
  spec: Parameters<typeof loadTraffic>[0],
  options: Parameters<typeof loadTraffic>[1],
): Promise<RateSeries> {
  // A trace file does not depend on the seed; only synthetic shapes draw from it.
  const key = canonicalJson({ spec, options: spec.synthetic ? options : { ...options, seed: undefined } });
  let hit = traffic.get(key);
  if (!hit) {
    if (traffic.size >= TRAFFIC_CACHE_ENTRIES) traffic.delete(traffic.keys().next().value!);
    hit = loadTraffic(spec, options);
    hit.catch(() => traffic.delete(key));
    traffic.set(key, hit);
  }
  return hit;
}

export function metricsOf(p: PlatformSummary): RunMetrics {
  return {
    kind: p.kind,
    costUsd: p.cost.totalUsd,
    monthlyUsd: p.cost.monthlyUsd,
    perMillionUsd: p.cost.perMillionRequestsUsd,
    meanMs: p.latencyMs.mean,
    p50Ms: p.latencyMs.p50,
    p95Ms: p.latencyMs.p95,
    p99Ms: p.latencyMs.p99,
    sloLatencyMs: p.slo.latencyMs,
    sloPercentile: p.slo.percentile,
    sloAttainment: p.slo.attainment,
    violationMinutes: p.slo.violationMinutes,
    requestsWithinLatency: p.slo.requestsWithinLatency,
    arrived: p.requests.arrived,
    dropped: p.requests.dropped,
    timedOut: p.requests.timedOut,
    meanTasks: p.capacity.mean,
    maxTasks: p.capacity.max,
    taskHours: p.capacity.taskHours,
    scaleOut: p.scaling.scaleOutEvents,
    scaleIn: p.scaling.scaleInEvents,
    checksOk: p.checks.every((c) => c.ok),
    thresholdsOk: null,
  };
}

export async function runTask(task: RunTask): Promise<RunOutcome> {
  try {
    const scenario = fromObject(task.scenario, { file: task.file, baseDir: task.baseDir });
    const { spec, options } = scenarioTraffic(scenario, task.seed);
    const unscaled = task.traffic ?? (await cachedTraffic(unscaledSpec(spec), options));
    const series = scaleShared(unscaled, spec, options.path);
    // A row reads no elasticity figures and no minute's percentiles (only the run's): neither is computed.
    const summary = summarise(
      simulateSeries(scenario, series, task.seed, undefined, { minuteQuantiles: false }),
      scenario.slo,
      { elasticity: false },
    );
    const platforms: Record<string, RunMetrics> = {};
    const thresholds = evaluateThresholds(scenario.thresholds, summary);
    for (const [name, p] of Object.entries(summary.platforms)) {
      const mine = thresholds.filter((t) => t.platform === name);
      platforms[name] = { ...metricsOf(p), thresholdsOk: mine.length > 0 ? mine.every((t) => t.ok) : null };
    }
    return { status: "ok", platforms };
  } catch (e) {
    // A failing variant is recorded with its error; the rest of the sweep goes on.
    return { status: "failed", error: e instanceof Error ? e.message : String(e) };
  }
}
