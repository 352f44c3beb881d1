import { basename, dirname } from "node:path";
import { num } from "../assumptions.js";
import { writeOutputs } from "../report/files.js";
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

/** Write the files asked for, each atomically. */
export function writeHistory(
  opts: { activities?: string; taskCounts?: string },
  scenario: Scenario,
  res: SimulationResult,
): void {
  if (!opts.activities && !opts.taskCounts) return;
  const files = historyFiles(scenario, res);
  if (opts.activities)
    writeOutputs(dirname(opts.activities), { [basename(opts.activities)]: files.activities });
  if (opts.taskCounts)
    writeOutputs(dirname(opts.taskCounts), { [basename(opts.taskCounts)]: files.taskCounts });
}
