import type { Decision } from "../models/decisions.js";
import { bucketNote, bucketSize, CHART_POINT_CAP, cumulative, downsample } from "./downsample.js";
import type { PlatformSeries } from "../analysis/input.js";
import { paramsText, paretoFrontier, shortParamNames, sweepMeetsSlo } from "../analysis/pareto.js";
import type { Summary } from "../analysis/summary.js";
import type { SweepTable } from "../analysis/sweep-input.js";

/**
 * Vega-Lite specs of the report's charts, with their data inlined. Pure functions of the report input:
 * the same outputs give byte-identical specs (golden-tested), so the HTML and the SVG/PNG files are
 * deterministic too. Times are epoch ms on UTC scales, so the machine's time zone never shows.
 */

export type VlSpec = Record<string, unknown>;

export interface Chart {
  /** File stem: charts/<name>.svg. */
  name: string;
  title: string;
  spec: VlSpec;
}

export const CHART_WIDTH = 760;
export const CHART_HEIGHT = 240;
/** Scaling decisions drawn on the demand chart; beyond this the evenly spaced subset is kept. */
export const DECISION_MARKER_CAP = 400;
export const FONT = "DejaVu Sans";

export const CONFIG = {
  font: FONT,
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "bottom" },
  title: { fontSize: 14, anchor: "start", subtitleFontSize: 11, subtitleColor: "#555" },
};

export function base(title: string, subtitle: string): VlSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CONFIG,
  };
}

const TIME_X = { field: "t", type: "temporal", title: "time (UTC)", scale: { type: "utc" } };
const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

/** Rows {t, platform, <key>: value} for each bucket of a column, NaN buckets left out. */
function rows(
  s: PlatformSeries,
  column: string,
  k: number,
  stat: "mean" | "max" | "last",
  extra: Record<string, string> = {},
  transform?: (v: Float64Array) => Float64Array,
): Record<string, unknown>[] {
  const col = s.columns[column];
  if (!col) return [];
  const values = downsample(transform ? transform(col) : col, k, stat);
  const out: Record<string, unknown>[] = [];
  for (let b = 0; b < values.length; b++) {
    if (Number.isNaN(values[b])) continue;
    out.push({ t: s.time[b * k], platform: s.platform, ...extra, v: round(values[b]) });
  }
  return out;
}

function stepSeconds(s: PlatformSeries): number {
  return s.time.length > 1 ? (s.time[1] - s.time[0]) / 1000 : 60;
}

/** Demand (requests per second) against tasks in service and desired, with scaling decisions marked. */
export function demandCapacityChart(
  series: PlatformSeries[],
  decisions: Decision[],
  cap = CHART_POINT_CAP,
): Chart | undefined {
  if (series.length === 0 || !series[0].columns.arrived) return undefined;
  const k = bucketSize(series[0].time.length, cap);
  const perSecond = stepSeconds(series[0]);
  const demand = rows(series[0], "arrived", k, "mean", {}, (c) => c.map((v) => v / perSecond)).map(
    ({ t, v }) => ({ t, v }),
  );
  const capacity = series.flatMap((s) => [
    ...rows(s, "inService", k, "max", { what: "in service" }),
    ...rows(s, "desired", k, "max", { what: "desired" }),
  ]);
  const t0 = series[0].time[0];
  const actions = decisions.filter((d) => d.action !== "hold" && d.from !== d.to);
  const stride = Math.max(1, Math.ceil(actions.length / DECISION_MARKER_CAP));
  const marks = actions
    .filter((_, i) => i % stride === 0)
    .map((d) => ({
      t: t0 + d.t * 1000,
      time: new Date(t0 + d.t * 1000).toISOString(),
      platform: d.platform,
      action: d.action,
      change: `${d.from} → ${d.to}`,
      v: d.to,
      reason: String(d.reason).slice(0, 200),
    }));
  const note = `${bucketNote(k, "mean demand, most tasks")}; ${actions.length} scaling actions${stride > 1 ? ` (every ${stride}th marked)` : ""}`;
  const spec: VlSpec = {
    ...base("Demand and capacity", note),
    layer: [
      {
        data: { values: demand },
        mark: { type: "area", color: "#9ecae1", opacity: 0.6, interpolate: "step-after" },
        encoding: { x: TIME_X, y: { field: "v", type: "quantitative", title: "requests / s" } },
      },
      {
        layer: [
          {
            data: { values: capacity },
            mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
            encoding: {
              x: TIME_X,
              y: { field: "v", type: "quantitative", title: "tasks", axis: { orient: "right" } },
              color: { field: "platform", type: "nominal", title: "platform" },
              strokeDash: { field: "what", type: "nominal", title: "tasks", sort: ["in service", "desired"] },
            },
          },
          {
            data: { values: marks },
            mark: { type: "point", filled: true, size: 50, opacity: 0.9 },
            encoding: {
              x: TIME_X,
              y: { field: "v", type: "quantitative" },
              color: { field: "platform", type: "nominal" },
              shape: { field: "action", type: "nominal", title: "scaling action" },
              tooltip: [
                { field: "time", title: "time (UTC)" },
                { field: "platform" },
                { field: "action" },
                { field: "change", title: "tasks" },
                { field: "reason" },
              ],
            },
          },
        ],
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
  return { name: "demand-capacity", title: "Demand and capacity", spec };
}

/** Latency percentiles per minute against the SLO latency. */
export function latencyChart(
  series: PlatformSeries[],
  slo: { latencyMs: number; percentile: number },
  cap = CHART_POINT_CAP,
): Chart | undefined {
  const withLatency = series.filter((s) => s.columns.p99Ms);
  if (withLatency.length === 0) return undefined;
  const k = bucketSize(withLatency[0].time.length, cap);
  const pcts = [
    ["p50Ms", "p50"],
    ["p95Ms", "p95"],
    ["p99Ms", "p99"],
  ] as const;
  const values = withLatency.flatMap((s) =>
    pcts.flatMap(([col, label]) => rows(s, col, k, "max", { percentile: label })),
  );
  const many = withLatency.length > 1;
  const spec: VlSpec = {
    ...base(
      "Latency against the SLO",
      `${bucketNote(k, "worst minute")}; red: SLO p${slo.percentile} ≤ ${slo.latencyMs} ms; log scale`,
    ),
    layer: [
      {
        data: { values },
        mark: { type: "line", strokeWidth: 1.3 },
        encoding: {
          x: TIME_X,
          y: { field: "v", type: "quantitative", title: "latency (ms)", scale: { type: "log" } },
          color: many
            ? { field: "platform", type: "nominal", title: "platform" }
            : { field: "percentile", type: "nominal", title: "percentile", sort: ["p50", "p95", "p99"] },
          ...(many
            ? {
                strokeDash: {
                  field: "percentile",
                  type: "nominal",
                  title: "percentile",
                  sort: ["p50", "p95", "p99"],
                },
              }
            : {}),
          detail: { field: "percentile", type: "nominal" },
        },
      },
      {
        data: { values: [{ slo: slo.latencyMs, label: `SLO ${slo.latencyMs} ms` }] },
        layer: [
          {
            mark: { type: "rule", color: "#d62728", strokeDash: [6, 3], strokeWidth: 1.5 },
            encoding: { y: { field: "slo", type: "quantitative" } },
          },
          {
            mark: { type: "text", color: "#d62728", align: "left", dx: 4, dy: -6, x: 0 },
            encoding: { y: { field: "slo", type: "quantitative" }, text: { field: "label" } },
          },
        ],
      },
    ],
  };
  return { name: "latency", title: "Latency against the SLO", spec };
}

/** Cost accumulating over the run, per platform. */
export function costChart(series: PlatformSeries[], cap = CHART_POINT_CAP): Chart | undefined {
  const withCost = series.filter((s) => s.columns.costUsd);
  if (withCost.length === 0) return undefined;
  const k = bucketSize(withCost[0].time.length, cap);
  const values = withCost.flatMap((s) => rows(s, "costUsd", k, "last", {}, cumulative));
  const spec: VlSpec = {
    ...base(
      "Cost accumulating",
      k === 1 ? "each point is one minute" : `cumulative cost at the end of each ${k}-minute bucket`,
    ),
    data: { values },
    mark: { type: "line", strokeWidth: 1.8 },
    encoding: {
      x: TIME_X,
      y: { field: "v", type: "quantitative", title: "cost so far (USD)" },
      color: { field: "platform", type: "nominal", title: "platform" },
    },
  };
  return { name: "cost", title: "Cost accumulating", spec };
}

/** CPU utilisation of the capacity paid for, per minute, with the run's average. */
export function utilisationChart(
  series: PlatformSeries[],
  summary: Summary | undefined,
  cap = CHART_POINT_CAP,
): Chart | undefined {
  const withCpu = series.filter((s) => s.columns.cpuPercent);
  if (withCpu.length === 0) return undefined;
  const k = bucketSize(withCpu[0].time.length, cap);
  const values = withCpu.flatMap((s) => rows(s, "cpuPercent", k, "mean"));
  const averages = withCpu
    .map((s) => ({ platform: s.platform, avg: summary?.platforms[s.platform]?.utilisation.cpuPercentOfPaid }))
    .filter((a): a is { platform: string; avg: number } => typeof a.avg === "number")
    .map((a) => ({ platform: a.platform, avg: round(a.avg, 3) }));
  const layer: VlSpec[] = [
    {
      data: { values },
      mark: { type: "line", strokeWidth: 1.3 },
      encoding: {
        x: TIME_X,
        y: { field: "v", type: "quantitative", title: "CPU used (% of paid)", scale: { domain: [0, 100] } },
        color: { field: "platform", type: "nominal", title: "platform" },
      },
    },
  ];
  if (averages.length > 0) {
    layer.push({
      data: { values: averages },
      mark: { type: "rule", strokeDash: [4, 4], strokeWidth: 1.2 },
      encoding: {
        y: { field: "avg", type: "quantitative" },
        color: { field: "platform", type: "nominal" },
        tooltip: [{ field: "platform" }, { field: "avg", title: "run average, % of paid CPU" }],
      },
    });
  }
  const spec: VlSpec = {
    ...base(
      "Utilisation of paid capacity",
      `${bucketNote(k, "mean")}; dashed: the run's average including capacity paid for but not yet serving`,
    ),
    layer,
  };
  return { name: "utilisation", title: "Utilisation of paid capacity", spec };
}

/** Sweep: cost against p99, the Pareto frontier drawn, the recommended variant ringed. */
export function paretoChart(
  sweep: SweepTable,
  slo: { latencyMs: number; percentile: number },
  recommended: readonly string[],
): Chart | undefined {
  const ok = sweep.rows.filter(
    (r) => r.error === undefined && Number.isFinite(r.monthlyCostUsd) && Number.isFinite(r.p99Ms),
  );
  if (ok.length === 0) return undefined;
  const names = shortParamNames(ok.flatMap((r) => Object.keys(r.params)));
  const points = ok.map((r) => ({
    id: r.id,
    cost: round(r.monthlyCostUsd, 2),
    p99: round(r.p99Ms, 1),
    slo: sweepMeetsSlo(r, slo) ? "meets SLO" : "misses SLO",
    params: paramsText(r.params, names),
  }));
  const frontier = paretoFrontier(points).map((p, i) => ({ ...p, order: i }));
  const rec = points.filter((p) => recommended.includes(p.id));
  const layer: VlSpec[] = [
    {
      data: { values: frontier },
      mark: { type: "line", color: "#555", strokeDash: [3, 3], interpolate: "step-after" },
      encoding: {
        x: { field: "cost", type: "quantitative" },
        y: { field: "p99", type: "quantitative" },
        order: { field: "order" },
      },
    },
    {
      data: { values: points },
      mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
      encoding: {
        x: { field: "cost", type: "quantitative", title: "cost per month (USD)", scale: { zero: false } },
        y: { field: "p99", type: "quantitative", title: "p99 latency (ms)", scale: { zero: false } },
        color: {
          field: "slo",
          type: "nominal",
          title: "",
          scale: { domain: ["meets SLO", "misses SLO"], range: ["#2ca02c", "#d62728"] },
        },
        tooltip: [
          { field: "id", title: "variant" },
          { field: "cost", title: "$/month" },
          { field: "p99", title: "p99 ms" },
          { field: "slo", title: "SLO" },
          { field: "params" },
        ],
      },
    },
    {
      data: { values: [{ slo: slo.latencyMs }] },
      mark: { type: "rule", color: "#d62728", strokeDash: [6, 3] },
      encoding: { y: { field: "slo", type: "quantitative" } },
    },
  ];
  if (rec.length > 0) {
    layer.push({
      data: { values: rec },
      layer: [
        {
          mark: {
            type: "point",
            shape: "circle",
            size: 400,
            strokeWidth: 2.5,
            color: "#1f77b4",
            filled: false,
          },
        },
        {
          mark: { type: "text", align: "left", dx: 14, dy: -10, fontWeight: "bold", color: "#1f77b4" },
          encoding: { text: { value: "recommended" } },
        },
      ],
      encoding: { x: { field: "cost", type: "quantitative" }, y: { field: "p99", type: "quantitative" } },
    });
  }
  const spec: VlSpec = {
    ...base(
      "Cost against p99 latency",
      `${points.length} variants; dashed: Pareto frontier (nothing is both cheaper and faster); red: SLO latency ${slo.latencyMs} ms`,
    ),
    layer,
  };
  return { name: "pareto", title: "Cost against p99 latency", spec };
}
