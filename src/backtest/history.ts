import { num } from "../assumptions.js";
import type { Scenario } from "../scenario/load.js";
import type { SimulationResult } from "../simulate.js";
import { activitiesJson, pickPlatform } from "./activities.js";
import { taskCountsJson } from "./metric-data.js";

/** A run's history in AWS's shapes: what `run --activities` and `run --task-counts` write. */
export function historyFiles(
  scenario: Scenario,
  res: SimulationResult,
  platform?: string,
): { activities: string; taskCounts: string } {
  const p = pickPlatform(res, platform);
  const cols = p?.minutes.columns ?? { desired: [], running: [] };
  return {
    activities: activitiesJson(res, {
      platform: p?.name,
      activityDurationMs: num(scenario.assumptionValues, "scaling.activityDuration"),
    }),
    taskCounts: taskCountsJson(res.startMs, { desired: cols.desired, running: cols.running }),
  };
}
