import type { PlatformResult } from "../models/platform/result.js";
import { type ElasticityMetrics, elasticityMetrics } from "./elasticity.js";

/** summary.json `platforms.<name>.elasticity`: the SPEC metrics and what they were computed from. */
export interface ElasticitySummary
  extends Pick<
    ElasticityMetrics,
    "accuracyUnder" | "accuracyOver" | "timeshareUnder" | "timeshareOver" | "instability" | "jitter"
  > {
  /** Scaling unit of d and s: tasks, pods or instances. */
  unit: string;
  /** Supply s(t): units in service (receiving requests), exact step function. */
  supply: "inService";
  /** Demand d(t): least units meeting the SLO at each minute's load (docs/latency.md). */
  demand: "sloPerMinute";
  /** Mean demand and supply over the run, units. */
  meanDemand: number;
  meanSupply: number;
  /** Minutes with load in which no capacity meets the SLO (demand falls back to no backlog). */
  sloUnattainableMinutes: number;
}

/**
 * The elasticity block of one platform, or undefined for kinds that do not serve web traffic (queue
 * workers, scheduled jobs). Demand is a step function of minutes; supply steps at every change.
 */
export function platformElasticity(p: PlatformResult, durationMs: number): ElasticitySummary | undefined {
  const e = p.elasticity;
  if (!e || durationMs <= 0) return undefined;
  const d = e.demand.perMinute;
  // Demand as a step function: its change points only (anchors.md §3.1 evaluates on the union of change
  // points, so instability is not diluted by minute boundaries where nothing changed).
  const dt: number[] = [];
  const dv: number[] = [];
  for (let k = 0; k < d.length; k++) {
    if (k > 0 && d[k] === d[k - 1]) continue;
    dt.push(k * 60);
    dv.push(d[k]);
  }
  const end = durationMs / 1000;
  const m = elasticityMetrics({ t: dt, value: dv }, e.supply, { start: 0, end });
  let demandArea = 0;
  for (let k = 0; k < d.length; k++) demandArea += d[k] * (Math.min(end, (k + 1) * 60) - k * 60);
  let supplyArea = 0;
  const st = e.supply.t;
  const sv = e.supply.value;
  for (let k = 0; k < st.length; k++) {
    const a = Math.max(0, st[k]);
    const b = Math.min(end, k + 1 < st.length ? st[k + 1] : end);
    if (b > a) supplyArea += sv[k] * (b - a);
  }
  return {
    accuracyUnder: m.accuracyUnder,
    accuracyOver: m.accuracyOver,
    timeshareUnder: m.timeshareUnder,
    timeshareOver: m.timeshareOver,
    instability: m.instability,
    jitter: m.jitter,
    unit: e.unit,
    supply: "inService",
    demand: "sloPerMinute",
    meanDemand: demandArea / end,
    meanSupply: supplyArea / end,
    sloUnattainableMinutes: e.demand.unattainableMinutes,
  };
}
