import {
  THRESHOLD_METRIC_NAMES,
  THRESHOLD_METRICS,
  type ThresholdExpr,
  type ThresholdMetric,
  type ThresholdOp,
  type ThresholdsSpec,
} from "../scenario/thresholds.js";
import type { PlatformSummary, Summary } from "./summary.js";

/** How each threshold metric is read from a platform's summary. */
export const THRESHOLD_VALUES: Record<ThresholdMetric, (p: PlatformSummary) => number> = {
  meanLatencyMs: (p) => p.latencyMs.mean,
  p50LatencyMs: (p) => p.latencyMs.p50,
  p90LatencyMs: (p) => p.latencyMs.p90,
  p95LatencyMs: (p) => p.latencyMs.p95,
  p99LatencyMs: (p) => p.latencyMs.p99,
  maxLatencyMs: (p) => p.latencyMs.max,
  sloAttainment: (p) => p.slo.attainment,
  requestsWithinSlo: (p) => p.slo.requestsWithinLatency,
  sloViolationMinutes: (p) => p.slo.violationMinutes,
  totalCostUsd: (p) => p.cost.totalUsd,
  monthlyCostUsd: (p) => p.cost.monthlyUsd,
  costPerMillionRequestsUsd: (p) => p.cost.perMillionRequestsUsd,
  droppedRequests: (p) => p.requests.dropped,
  timedOutRequests: (p) => p.requests.timedOut,
  failedRequests: (p) => p.requests.dropped + p.requests.timedOut,
  failedRequestRate: (p) =>
    p.requests.arrived > 0 ? (p.requests.dropped + p.requests.timedOut) / p.requests.arrived : 0,
  maxTasks: (p) => p.capacity.max,
  meanTasks: (p) => p.capacity.mean,
  cpuUtilisationPercent: (p) => p.utilisation.cpuPercentOfPaid,
  scalingEvents: (p) => p.scaling.scaleOutEvents + p.scaling.scaleInEvents,
};

export interface ThresholdResult {
  platform: string;
  metric: ThresholdMetric;
  expression: string;
  actual: number;
  ok: boolean;
}

export function compareOp(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
    case "==":
      return actual === value;
    case "!=":
      return actual !== value;
  }
}

/**
 * Check a scenario's thresholds against a summary. `"*"` applies to every platform; results come in
 * platform order of the summary, then metric order of the table, so the output is stable. Pure: the
 * sweep calls it once per variant.
 */
export function evaluateThresholds(spec: ThresholdsSpec | undefined, summary: Summary): ThresholdResult[] {
  if (!spec) return [];
  const out: ThresholdResult[] = [];
  for (const [platform, p] of Object.entries(summary.platforms)) {
    const specs = [spec["*"], spec[platform]].filter((s) => s !== undefined);
    for (const metric of THRESHOLD_METRIC_NAMES) {
      const exprs: ThresholdExpr[] = specs.flatMap((s) => s[metric] ?? []);
      if (exprs.length === 0) continue;
      const actual = THRESHOLD_VALUES[metric](p);
      for (const e of exprs) {
        out.push({ platform, metric, expression: e.text, actual, ok: compareOp(actual, e.op, e.value) });
      }
    }
  }
  return out;
}

/** A value as the user wrote it: latency in ms, ratios as percentages, costs in dollars. */
export function formatMetricValue(metric: ThresholdMetric, v: number): string {
  switch (THRESHOLD_METRICS[metric].unit) {
    case "ms":
      return `${round(v, 1)} ms`;
    case "ratio":
      return `${round(v * 100, 3)}%`;
    case "percent":
      return `${round(v, 2)}%`;
    case "usd":
      return `$${round(v, 2)}`;
    case "count":
      return `${round(v, 2)}`;
  }
}

function round(v: number, digits: number): string {
  const f = 10 ** digits;
  return String(Math.round(v * f) / f);
}

/** Plain lines for the terminal: one per expression, failures first, then a verdict. */
export function formatThresholdResults(results: ThresholdResult[]): string {
  if (results.length === 0) return "";
  const failed = results.filter((r) => !r.ok);
  const line = (r: ThresholdResult) =>
    `  ${r.ok ? "ok  " : "FAIL"}  ${r.platform}.${r.metric} ${r.expression}  (actual ${formatMetricValue(r.metric, r.actual)})`;
  const lines = [...failed.map(line), ...results.filter((r) => r.ok).map(line)];
  const verdict = failed.length
    ? `thresholds: ${failed.length} of ${results.length} FAILED`
    : `thresholds: all ${results.length} passed`;
  return [verdict, ...lines].join("\n");
}

/** `thresholds.json`, written beside summary.json so a report can show the verdict. */
export function thresholdsJson(results: ThresholdResult[]): string {
  const failed = results.filter((r) => !r.ok).length;
  return `${JSON.stringify({ passed: failed === 0, failed, total: results.length, results }, null, 2)}\n`;
}
