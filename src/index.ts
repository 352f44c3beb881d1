/**
 * scalesim's library API: load a scenario, simulate it, summarise the result.
 *
 *   import { loadScenario, simulate, summarise } from "scalesim";
 *   const scenario = loadScenario("scenarios/checkout-api.yaml");
 *   const result = await simulate(scenario);
 *   const summary = summarise(result, scenario.slo);
 */
export { type RunOutput, run, writeOutputs } from "./api.js";
export { ASSUMPTIONS, type AssumptionDef } from "./assumptions.js";
export { InputError, isInputError } from "./errors.js";
export type { Decision } from "./models/decisions.js";
export type { PlatformResult } from "./models/platform/result.js";
export { decisionsJsonl, seriesCsv, summaryJson } from "./output/files.js";
export { type PlatformSummary, type Summary, summarise } from "./analysis/summary.js";
export { summaryTable } from "./render/table.js";
export { buildReport, type Report, type ReportOptions, writeReportFiles } from "./render/build.js";
export { compare, type Comparison, comparisonText } from "./analysis/compare.js";
export type { GrowthResult } from "./analysis/growth.js";
export { findBreakingMultiplier } from "./studies/growth.js";
export { parseReportFiles, type ReportInput, readReportDir } from "./analysis/input.js";
export { evaluateThresholds, formatThresholdResults, type ThresholdResult } from "./analysis/thresholds.js";
export {
  fromObject,
  loadScenario,
  parseScenario,
  type Scenario,
  scenarioJsonSchema,
} from "./scenario/index.js";
export { type SimulateOptions, type SimulationResult, simulate, simulateSeries } from "./simulate.js";
export {
  loadSweepPlan,
  mergeSweeps,
  parseSweepPlan,
  runSweep,
  type SweepPlan,
  type SweepRunResult,
  type SweepTable,
} from "./sweep/index.js";
export { loadTraffic, type RateSeries } from "./trace/index.js";
