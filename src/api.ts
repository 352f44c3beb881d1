import type { Scenario } from "./scenario/load.js";
import { decisionsJsonl, seriesCsv, summaryJson, writeOutputs } from "./output/files.js";
import { type Summary, summarise } from "./analysis/summary.js";
import { type SimulateOptions, type SimulationResult, simulate } from "./simulate.js";

export interface RunOutput {
  result: SimulationResult;
  summary: Summary;
  files: Record<string, string>;
}

/** Simulate a scenario and render its output files (in memory). */
export async function run(scenario: Scenario, options: SimulateOptions = {}): Promise<RunOutput> {
  const result = await simulate(scenario, options);
  const summary = summarise(result, scenario.slo);
  const files = {
    "summary.json": summaryJson(summary),
    "series.csv": seriesCsv(result),
    "decisions.jsonl": decisionsJsonl(result),
  };
  return { result, summary, files };
}

export { writeOutputs };
