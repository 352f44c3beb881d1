import {
  type GrowthOptions,
  type GrowthResult,
  growthProbe,
  searchBreakingMultiplier,
} from "../analysis/growth.js";
import { summarise } from "../analysis/summary.js";
import type { Scenario } from "../scenario/load.js";
import { simulate } from "../simulate.js";

/**
 * The growth study: runs `platform` of the scenario alone with the trace's multiplier scaled (same shape,
 * more requests) until the search in src/analysis/growth.ts finds where it stops meeting the SLO.
 */
export async function findBreakingMultiplier(
  scenario: Scenario,
  platform: string,
  options: GrowthOptions = {},
): Promise<GrowthResult> {
  const only: Scenario = { ...scenario, platforms: { [platform]: scenario.platforms[platform] } };
  const maxCapacity = (scenario.platforms[platform] as { service?: { maxCapacity?: number } }).service
    ?.maxCapacity;
  const run = async (m: number) => {
    const sc: Scenario = { ...only, traffic: { ...only.traffic, multiplier: only.traffic.multiplier * m } };
    return growthProbe(m, summarise(await simulate(sc), sc.slo).platforms[platform]);
  };
  return searchBreakingMultiplier(platform, maxCapacity, run, options);
}
