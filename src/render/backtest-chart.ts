import { bucketNote, bucketSize, CHART_POINT_CAP, downsample } from "./downsample.js";
import type { BacktestInput } from "../analysis/input.js";
import { base, type Chart, type VlSpec } from "./charts.js";

const LINES: { key: keyof BacktestInput["series"]; side: string; count: string }[] = [
  { key: "realDesired", side: "real", count: "desired" },
  { key: "simDesired", side: "simulated", count: "desired" },
  { key: "realRunning", side: "real", count: "running" },
  { key: "simRunning", side: "simulated", count: "running" },
];

/** One sentence on how closely the simulation reproduced the history. */
export function backtestSentence(b: BacktestInput): string {
  const a = b.activities;
  const offset = a.meanAbsOffsetSeconds === null ? "" : ` at a mean |offset| of ${a.meanAbsOffsetSeconds} s`;
  return `${b.scenario} / ${b.platform} against ${b.resourceId ?? "the history"}: ${a.matched} of ${a.real} real scaling activities matched by a simulated decision${offset} (${a.simulated} simulated); desired-count error ${b.taskMinutesAbsError} task-minutes.`;
}

/** Real against simulated task counts: colour says which side, dashes which count. */
export function backtestChart(b: BacktestInput | undefined, cap = CHART_POINT_CAP): Chart | undefined {
  if (!b?.series?.time?.length) return undefined;
  const times = b.series.time.map((t) => Date.parse(t));
  const k = bucketSize(times.length, cap);
  const values: Record<string, unknown>[] = [];
  for (const l of LINES) {
    const col = (b.series[l.key] as (number | null)[]).map((v) => (v === null ? Number.NaN : v));
    downsample(col, k, l.count === "desired" ? "max" : "mean").forEach((v, i) => {
      if (!Number.isNaN(v))
        values.push({ t: times[i * k], side: l.side, count: l.count, v: Math.round(v * 1000) / 1000 });
    });
  }
  const a = b.activities;
  const offset =
    a.meanAbsOffsetSeconds === null ? "none matched" : `mean |offset| ${a.meanAbsOffsetSeconds} s`;
  const subtitle = `${b.resourceId ?? "real service"} against ${b.scenario} / ${b.platform}: ${a.matched} of ${a.real} activities matched (${offset}); |desired error| ${b.taskMinutesAbsError} task-minutes; ${bucketNote(k, "most desired, mean running")}`;
  const spec: VlSpec = {
    ...base("Backtest: real against simulated tasks", subtitle),
    data: { values },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
    encoding: {
      x: { field: "t", type: "temporal", title: "time (UTC)", scale: { type: "utc" } },
      y: { field: "v", type: "quantitative", title: "tasks" },
      color: { field: "side", type: "nominal", title: "history", sort: ["real", "simulated"] },
      strokeDash: { field: "count", type: "nominal", title: "tasks", sort: ["desired", "running"] },
    },
  };
  return { name: "backtest", title: "Backtest: real against simulated tasks", spec };
}
