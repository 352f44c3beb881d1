import * as z from "zod";

/**
 * `thresholds:` — pass/fail criteria checked at the end of a run, in the spirit of k6's thresholds
 * (https://grafana.com/docs/k6/latest/using-k6/thresholds/): per platform (or `"*"` for every platform), a
 * metric name and one expression or a list of them, e.g.
 *
 *   thresholds:
 *     fargate: { p99LatencyMs: "< 400", sloAttainment: ">= 99%", monthlyCostUsd: "< 500", droppedRequests: "== 0" }
 *
 * A failed expression makes `scalesim run` exit with code 1.
 */

/** How a metric's value reads, which decides the units an expression may carry. */
export type ThresholdUnit = "ms" | "ratio" | "percent" | "usd" | "count";

export const THRESHOLD_METRICS = {
  meanLatencyMs: {
    unit: "ms",
    description: "mean latency over the run (ms; `s` and `ms` suffixes accepted)",
  },
  p50LatencyMs: { unit: "ms", description: "median latency over the run" },
  p90LatencyMs: { unit: "ms", description: "90th percentile latency over the run" },
  p95LatencyMs: { unit: "ms", description: "95th percentile latency over the run" },
  p99LatencyMs: { unit: "ms", description: "99th percentile latency over the run" },
  maxLatencyMs: { unit: "ms", description: "largest latency over the run" },
  sloAttainment: {
    unit: "ratio",
    description: "share of minutes with traffic meeting the SLO (0–1, or with %)",
  },
  requestsWithinSlo: { unit: "ratio", description: "share of all requests completed within the SLO latency" },
  sloViolationMinutes: { unit: "count", description: "minutes with traffic that missed the SLO" },
  totalCostUsd: { unit: "usd", description: "cost of the simulated period (USD; a leading $ is accepted)" },
  monthlyCostUsd: { unit: "usd", description: "cost scaled to a 730-hour month" },
  costPerMillionRequestsUsd: { unit: "usd", description: "cost per million requests served" },
  droppedRequests: { unit: "count", description: "requests refused (no healthy target, full queue)" },
  timedOutRequests: { unit: "count", description: "requests that timed out" },
  failedRequests: { unit: "count", description: "dropped plus timed-out requests" },
  failedRequestRate: { unit: "ratio", description: "failed requests / arrived requests" },
  maxTasks: { unit: "count", description: "most tasks running at once" },
  meanTasks: { unit: "count", description: "time-weighted mean of running tasks" },
  cpuUtilisationPercent: { unit: "percent", description: "CPU used as a percentage of the CPU paid for" },
  scalingEvents: { unit: "count", description: "scale-out plus scale-in actions" },
} as const satisfies Record<string, { unit: ThresholdUnit; description: string }>;

export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
export const THRESHOLD_METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as ThresholdMetric[];

export type ThresholdOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** One parsed expression: `actual op value`, with the text as written. */
export interface ThresholdExpr {
  op: ThresholdOp;
  value: number;
  text: string;
}

const EXPR = /^\s*(<=|>=|==|!=|<|>)\s*(\$)?\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(ms|s|%)?\s*$/i;

/** Parse `"< 400ms"` for a metric of the given unit; a string is an error message. */
export function parseThresholdExpr(text: string, unit: ThresholdUnit): ThresholdExpr | string {
  const m = EXPR.exec(text);
  if (!m)
    return `"${text}" is not a threshold expression; write an operator and a number, e.g. "< 400" (operators: < <= > >= == !=)`;
  const op = m[1] as ThresholdOp;
  let value = Number(m[3]);
  const dollar = m[2] !== undefined;
  const suffix = m[4]?.toLowerCase();
  if (dollar && unit !== "usd") return `"${text}": a $ sign only fits cost metrics`;
  if (suffix === "ms" || suffix === "s") {
    if (unit !== "ms") return `"${text}": a time unit only fits latency metrics`;
    if (suffix === "s") value *= 1000;
  } else if (suffix === "%") {
    if (unit === "ratio") value /= 100;
    else if (unit !== "percent") return `"${text}": a % only fits ratio or percentage metrics`;
  }
  return { op, value, text: text.trim() };
}

function exprField(unit: ThresholdUnit, description: string) {
  // One transform over both spellings (a string or a list), so a bad expression gets its own message
  // rather than a union's "Invalid input".
  return z
    .union([z.string(), z.array(z.string()).min(1)])
    .transform((v, ctx) => {
      const texts = typeof v === "string" ? [v] : v;
      const out: ThresholdExpr[] = [];
      texts.forEach((text, i) => {
        const p = parseThresholdExpr(text, unit);
        if (typeof p === "string")
          ctx.addIssue({ code: "custom", message: p, path: typeof v === "string" ? [] : [i] });
        else out.push(p);
      });
      return out.length === texts.length ? out : z.NEVER;
    })
    .optional()
    .meta({ description });
}

const shape = Object.fromEntries(
  THRESHOLD_METRIC_NAMES.map((name) => [
    name,
    exprField(THRESHOLD_METRICS[name].unit, THRESHOLD_METRICS[name].description),
  ]),
) as { [K in ThresholdMetric]: ReturnType<typeof exprField> };

/** Criteria of one platform: metric → expressions (all must hold). */
export const PlatformThresholds = z.strictObject(shape);
export type PlatformThresholds = Partial<Record<ThresholdMetric, ThresholdExpr[]>>;

/** Platform name (or `"*"` for all) → criteria. */
export const Thresholds = z.record(z.string(), PlatformThresholds).meta({
  description: 'Pass/fail criteria per platform ("*" = every platform), e.g. p99LatencyMs: "< 400".',
});
export type ThresholdsSpec = Record<string, PlatformThresholds>;

/** Cross-field rule for the scenario: every threshold key names a platform of the scenario or is "*". */
export function checkThresholdPlatforms(
  data: { thresholds?: Record<string, unknown>; platforms: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  if (!data.thresholds) return;
  const names = Object.keys(data.platforms);
  for (const key of Object.keys(data.thresholds)) {
    if (key !== "*" && !names.includes(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["thresholds", key],
        message: `no platform named "${key}"; thresholds apply to ${[...names, '"*"'].join(", ")}`,
      });
    }
  }
}
