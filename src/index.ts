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
export { decisionsJsonl, seriesCsv, summaryJson } from "./report/files.js";
export { type PlatformSummary, type Summary, summarise } from "./report/summary.js";
export { summaryTable } from "./report/table.js";
export { buildReport, type Report, type ReportOptions, writeReportFiles } from "./report/build.js";
export { compare, type Comparison, comparisonText } from "./report/compare.js";
export { findBreakingMultiplier, type GrowthResult } from "./report/growth.js";
export { parseReportFiles, type ReportInput, readReportDir } from "./report/input.js";
export { evaluateThresholds, formatThresholdResults, type ThresholdResult } from "./report/thresholds.js";
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
