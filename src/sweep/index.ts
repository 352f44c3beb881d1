/** Parameter sweeps: plan a matrix of scenario variants, run them on worker threads, rank the results. */
export { expandMatrix, type Combination, type MatrixSpec } from "./matrix.js";
export { type MergeResult, mergeSweeps } from "./merge.js";
export {
  loadSweepPlan,
  type PlanMeta,
  type PlannedRun,
  type PlannedVariant,
  parseSweepPlan,
  type SweepPlan,
} from "./plan.js";
export { cheapest, dominates, paretoFront } from "./rank.js";
export { runSweep, type SweepRunOptions, type SweepRunResult, shardRuns } from "./run.js";
export { parseShard } from "./shard.js";
export { meanCi, studentTQuantile } from "./stats.js";
export type { RunRecord, Shard } from "./store.js";
export { buildTable, rankingText, type SweepRow, type SweepTable, tableCsv } from "./table.js";
