import type { PlatformCommitments, PlatformResult } from "../models/platform/result.js";
import type { SimulationResult } from "../simulate.js";
import { type ElasticitySummary, platformElasticity } from "./elasticity-summary.js";
import { type LaunchTypeComparison, launchTypeComparison } from "./launch-type-comparison.js";

/** A platform kind and its own figures, as its result types them (the summary rounds their numbers). */
type KindAndDetails<R> = R extends PlatformResult ? Pick<R, "kind" | "details"> : never;

/**
 * The summary of one platform, as written to summary.json under `platforms.<name>`: `details` is typed by
 * `kind` (`queue` for sqs-worker, `jobs` for eventbridge-tasks, `appRunner` for app-runner, nodes for eks).
 */
export type PlatformSummary = PlatformSummaryFigures & KindAndDetails<PlatformResult>;

/** What every platform's summary has, whatever its kind. */
export interface PlatformSummaryFigures {
  cost: {
    totalUsd: number;
    perMillionRequestsUsd: number;
    monthlyUsd: number;
    meters: { name: string; unit: string; quantity: number; usd: number }[];
  };
  requests: { arrived: number; served: number; dropped: number; timedOut: number; inFlightAtEnd: number };
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  slo: {
    latencyMs: number;
    percentile: number;
    attainment: number;
    violationMinutes: number;
    minutesWithTraffic: number;
    requestsWithinLatency: number;
  };
  capacity: { min: number; max: number; mean: number; taskHours: number; billedTaskHours: number };
  utilisation: { cpuPercentOfPaid: number };
  scaling: { scaleOutEvents: number; scaleInEvents: number };
  checks: { name: string; ok: boolean; detail: string }[];
  /** Caveats about the figures (fluid latency outside its validated region); absent when none. */
  warnings?: string[];
  /** EC2: instance cost split into capacity the tasks reserved and capacity paid for but idle. */
  capacityCost?: { inUseUsd: number; idleUsd: number };
  /** EC2: container instances. */
  instances?: PlatformResult["instances"];
  /** Savings Plans and Reserved Instances applied (scenarios with `billing:` commitments; docs/billing.md). */
  commitments?: PlatformCommitments;
  /** SPEC elasticity metrics (platforms serving web traffic; src/analysis/elasticity-summary.ts). */
  elasticity?: ElasticitySummary;
}

export interface Summary {
  scenario: string;
  seed: number;
  region: string;
  start: string;
  durationSeconds: number;
  traffic: { source: string; intervalSeconds: number; totalRequests: number; peakRequestsPerSecond: number };
  platforms: Record<string, PlatformSummary>;
  /** Present when the scenario holds both an ecs-fargate and an ecs-ec2 platform. */
  comparison?: LaunchTypeComparison;
  assumptions: string[];
}

const HOURS_PER_MONTH = 730;

/** Round to a fixed number of significant decimals so files are stable and readable. */
export function r(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface SummariseOptions {
  /** Compute the SPEC elasticity block (default); a sweep's rows do not use it and skip its SLO demand. */
  elasticity?: boolean;
}

export function summarise(
  res: SimulationResult,
  slo: { latency: number; percentile: number },
  options: SummariseOptions = {},
): Summary {
  const elasticity = options.elasticity ?? true;
  const platforms: Record<string, PlatformSummary> = {};
  for (const p of res.platforms) platforms[p.name] = platformSummary(p, res.durationMs, slo, elasticity);
  return {
    scenario: res.scenario,
    seed: res.seed,
    region: res.region,
    start: new Date(res.startMs).toISOString(),
    durationSeconds: res.durationMs / 1000,
    traffic: {
      source: res.traffic.source,
      intervalSeconds: res.traffic.stepMs / 1000,
      totalRequests: r(res.traffic.totalRequests, 3),
      peakRequestsPerSecond: r(res.traffic.peakPerSecond, 3),
    },
    platforms,
    ...withComparison(platforms),
    assumptions: res.assumptions,
  };
}

function platformSummary(
  p: PlatformResult,
  durationMs: number,
  slo: { latency: number; percentile: number },
  elasticity: boolean,
): PlatformSummary {
  const m = p.minutes.columns;
  let minutesWithTraffic = 0;
  let violations = 0;
  let within = 0;
  const need = slo.percentile / 100;
  for (let i = 0; i < p.minutes.minutes; i++) {
    within += m.withinSlo[i];
    if (m.arrived[i] <= 1e-9) continue;
    minutesWithTraffic++;
    if (m.withinSlo[i] / m.arrived[i] < need - 1e-12) violations++;
  }
  const hours = durationMs / 3_600_000;
  // The kind and its details come from the same result, so they agree as PlatformSummary requires.
  const summary = {
    kind: p.kind,
    cost: {
      totalUsd: r(p.cost.totalUsd),
      perMillionRequestsUsd: r(p.requests.served > 0 ? (1e6 * p.cost.totalUsd) / p.requests.served : 0),
      monthlyUsd: r(hours > 0 ? (p.cost.totalUsd / hours) * HOURS_PER_MONTH : 0, 2),
      meters: p.cost.meters.map((x) => ({
        name: x.name,
        unit: x.unit,
        quantity: r(x.quantity),
        usd: r(x.usd),
      })),
    },
    requests: {
      arrived: r(p.requests.arrived, 3),
      served: r(p.requests.served, 3),
      dropped: r(p.requests.dropped, 3),
      timedOut: r(p.requests.timedOut, 3),
      inFlightAtEnd: r(p.requests.inFlightAtEnd, 3),
    },
    latencyMs: {
      mean: r(p.latency.mean, 3),
      p50: r(p.latency.p50, 3),
      p90: r(p.latency.p90, 3),
      p95: r(p.latency.p95, 3),
      p99: r(p.latency.p99, 3),
      max: r(p.latency.max, 3),
    },
    slo: {
      latencyMs: slo.latency,
      percentile: slo.percentile,
      attainment: r(minutesWithTraffic > 0 ? 1 - violations / minutesWithTraffic : 1),
      violationMinutes: violations,
      minutesWithTraffic,
      requestsWithinLatency: r(p.requests.arrived > 0 ? within / p.requests.arrived : 1),
    },
    capacity: {
      min: p.capacity.min,
      max: p.capacity.max,
      mean: r(p.capacity.mean, 4),
      taskHours: r(p.capacity.taskHours, 4),
      billedTaskHours: r(p.capacity.billedTaskHours, 4),
    },
    utilisation: { cpuPercentOfPaid: r(p.utilisation.cpuPercentOfPaid, 3) },
    scaling: p.scaling,
    checks: p.checks,
    ...(p.warnings ? { warnings: p.warnings } : {}),
    ...(p.capacityCost
      ? { capacityCost: { inUseUsd: r(p.capacityCost.inUseUsd), idleUsd: r(p.capacityCost.idleUsd) } }
      : {}),
    ...(p.instances ? { instances: roundInstances(p.instances) } : {}),
    ...(p.details ? { details: roundDeep(p.details) } : {}),
    ...(p.commitments ? { commitments: roundDeep(p.commitments) as PlatformCommitments } : {}),
    ...(elasticity ? withElasticity(p, durationMs) : {}),
  };
  return summary as PlatformSummary;
}

/** Numbers anywhere in a details object, rounded like the rest of the summary. */
function roundDeep(v: unknown): unknown {
  if (typeof v === "number") return r(v);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

function withElasticity(p: PlatformResult, durationMs: number): { elasticity?: ElasticitySummary } {
  const e = platformElasticity(p, durationMs);
  return e ? { elasticity: roundDeep(e) as ElasticitySummary } : {};
}

function withComparison(platforms: Record<string, PlatformSummary>): { comparison?: LaunchTypeComparison } {
  const c = launchTypeComparison(platforms);
  return c ? { comparison: c } : {};
}

function roundInstances(
  i: NonNullable<PlatformResult["instances"]>,
): NonNullable<PlatformResult["instances"]> {
  return {
    ...i,
    mean: r(i.mean, 4),
    instanceHours: r(i.instanceHours, 4),
    reservedCpuPercent: r(i.reservedCpuPercent, 3),
    reservedMemoryPercent: r(i.reservedMemoryPercent, 3),
    maxProvisioningWaitSeconds: r(i.maxProvisioningWaitSeconds, 3),
  };
}
