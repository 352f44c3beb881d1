/**
 * CloudWatch metric exports as traffic: the JSON printed by `aws cloudwatch get-metric-data` and
 * `aws cloudwatch get-metric-statistics`, typically for the ALB `RequestCount` metric with the Sum
 * statistic. Datapoints are sorted, the period is inferred, and missing periods count as zero
 * requests by default (see CLOUDWATCH_DEFAULT_GAPS).
 *
 * The console's "Download .csv" of a graph is not read here: its column layout is not documented.
 * A CSV with a timestamp column and a value column can be read with readCountsCsv instead.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { InputError } from "../errors.js";
import type { GapPolicy } from "./csv-counts.js";
import {
  type EpochUnit,
  ZONELESS_NOTE,
  formatStep,
  guessEpochUnit,
  isoHasZone,
  isoUtc,
  parseIsoMs,
  type RateSeries,
} from "./series.js";

/**
 * Missing periods in a CloudWatch export are zero requests by default: "Elastic Load Balancing reports
 * metrics to CloudWatch only when requests are flowing through the load balancer ... If there are no
 * requests flowing through the load balancer or no data for a metric, the metric is not reported."
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 * Set `gaps: "error"` for metrics that are always reported, where a hole means lost data.
 */
export const CLOUDWATCH_DEFAULT_GAPS: GapPolicy = "zero";

/** Datapoint statistics of get-metric-statistics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Datapoint.html). */
export type CloudWatchStatistic = "Sum" | "SampleCount" | "Average" | "Minimum" | "Maximum";

export interface CloudWatchOptions {
  /** get-metric-data: the `Id` of the MetricDataResult to read; needed when the file has several. */
  id?: string;
  /** get-metric-statistics: the Datapoint field to read. Default `Sum` (requests per period for RequestCount). */
  statistic?: CloudWatchStatistic;
  /** Period in ms; default the smallest spacing between datapoints. */
  periodMs?: number;
  /** Missing periods: `zero` (default, see CLOUDWATCH_DEFAULT_GAPS) or `error`. */
  gaps?: GapPolicy;
  /** Unit of numeric timestamps (the API's JSON wire form uses epoch seconds); default by magnitude. */
  epochUnit?: EpochUnit;
  path?: string;
  displayName?: string;
}

interface Point {
  t: number;
  v: number;
  where: string;
}

/** Read a CloudWatch JSON export file. */
export async function readCloudWatch(file: string, options: CloudWatchOptions = {}): Promise<RateSeries> {
  const text = await readFile(file, "utf8");
  const series = parseCloudWatchJson(text, { ...options, displayName: options.displayName ?? file });
  series.source = `${basename(file)} (${series.source})`;
  return series;
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return { line, col };
}

/** Parse the text of a CloudWatch JSON export (get-metric-data or get-metric-statistics output). */
export function parseCloudWatchJson(text: string, options: CloudWatchOptions = {}): RateSeries {
  const file = options.displayName;
  const loc = { file, path: options.path };
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? lineCol(text, Number(m[1])) : {};
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { ...loc, ...at });
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new InputError("expected a JSON object with MetricDataResults or Datapoints", loc);
  }
  const obj = doc as Record<string, unknown>;
  const notes: string[] = [];
  let points: Point[];
  let label: string;
  if (Array.isArray(obj.MetricDataResults)) {
    [points, label] = metricDataPoints(obj.MetricDataResults, options, notes);
  } else if (Array.isArray(obj.Datapoints)) {
    [points, label] = statisticsPoints(obj.Datapoints, options, notes);
    if (typeof obj.Label === "string") label = `${obj.Label} ${label}`;
  } else {
    throw new InputError(
      `expected "MetricDataResults" (get-metric-data) or "Datapoints" (get-metric-statistics); found keys ${Object.keys(obj).join(", ") || "none"}`,
      loc,
    );
  }
  const series = regularize(points, options, notes);
  series.source = label;
  return series;
}

function timestampOf(raw: unknown, unit: EpochUnit | undefined, zoneless: { seen: boolean }): number {
  if (typeof raw === "number")
    return Math.round(
      unit === "ms" || (unit === undefined && guessEpochUnit(raw) === "ms") ? raw : raw * 1000,
    );
  if (typeof raw === "string") {
    if (!isoHasZone(raw)) zoneless.seen = true;
    return Math.round(parseIsoMs(raw));
  }
  return Number.NaN;
}

/**
 * get-metric-data: `MetricDataResults[].Timestamps` and `.Values` are parallel arrays, newest first by
 * default (ScanBy TimestampDescending).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataResult.html
 * Results sharing the chosen Id (pages of one query) are concatenated.
 */
function metricDataPoints(
  results: unknown[],
  options: CloudWatchOptions,
  notes: string[],
): [Point[], string] {
  const loc = { file: options.displayName, path: options.path };
  const ids = results.map((r) => String((r as Record<string, unknown>)?.Id));
  const distinct = [...new Set(ids)];
  let id = options.id;
  if (id === undefined) {
    if (distinct.length !== 1) {
      throw new InputError(
        `the file has ${distinct.length} metric results (${distinct.join(", ") || "none"}); choose one with id`,
        loc,
      );
    }
    id = distinct[0];
  } else if (!distinct.includes(id)) {
    throw new InputError(
      `no MetricDataResults entry with Id "${id}"; the file has ${distinct.join(", ")}`,
      loc,
    );
  }
  const points: Point[] = [];
  const zoneless = { seen: false };
  let label = id;
  results.forEach((r, k) => {
    if (ids[k] !== id) return;
    const res = r as Record<string, unknown>;
    if (typeof res.Label === "string") label = res.Label;
    const ts = res.Timestamps;
    const vs = res.Values;
    if (!Array.isArray(ts) || !Array.isArray(vs) || ts.length !== vs.length) {
      throw new InputError(
        `MetricDataResults[${k}]: Timestamps and Values must be arrays of equal length`,
        loc,
      );
    }
    if (res.StatusCode !== undefined && res.StatusCode !== "Complete") {
      notes.push(
        `MetricDataResults[${k}] StatusCode ${String(res.StatusCode)}: the export may be incomplete`,
      );
    }
    for (let i = 0; i < ts.length; i++) {
      points.push({
        t: timestampOf(ts[i], options.epochUnit, zoneless),
        v: typeof vs[i] === "number" ? (vs[i] as number) : Number.NaN,
        where: `MetricDataResults[${k}] Timestamps[${i}]=${JSON.stringify(ts[i])} Values[${i}]=${JSON.stringify(vs[i])}`,
      });
    }
  });
  if (zoneless.seen) notes.push(ZONELESS_NOTE);
  return [points, label];
}

/**
 * get-metric-statistics: `Datapoints[]` with `Timestamp` and the requested statistics, "not returned
 * in chronological order". https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 * When `Sum` is asked for but absent, it is SampleCount × Average: CloudWatch defines Average as
 * Sum / SampleCount ("The value of Sum / SampleCount during the specified period",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
 */
function statisticsPoints(
  datapoints: unknown[],
  options: CloudWatchOptions,
  notes: string[],
): [Point[], string] {
  const loc = { file: options.displayName, path: options.path };
  const stat = options.statistic ?? "Sum";
  const zoneless = { seen: false };
  let derived = 0;
  const points = datapoints.map((d, i): Point => {
    const dp = (d ?? {}) as Record<string, unknown>;
    let v = dp[stat];
    if (
      v === undefined &&
      stat === "Sum" &&
      typeof dp.SampleCount === "number" &&
      typeof dp.Average === "number"
    ) {
      v = dp.SampleCount * dp.Average;
      derived++;
    }
    if (v === undefined) {
      const have = Object.keys(dp).filter((key) => key !== "Timestamp" && key !== "Unit");
      throw new InputError(
        `Datapoints[${i}] has no ${stat}; it has ${have.join(", ") || "nothing"} (choose with statistic)`,
        loc,
      );
    }
    return {
      t: timestampOf(dp.Timestamp, options.epochUnit, zoneless),
      v: typeof v === "number" ? v : Number.NaN,
      where: `Datapoints[${i}] Timestamp=${JSON.stringify(dp.Timestamp)} ${stat}=${JSON.stringify(v)}`,
    };
  });
  if (derived > 0) notes.push(`${derived} datapoint(s) had no Sum; used SampleCount × Average`);
  if (zoneless.seen) notes.push(ZONELESS_NOTE);
  return [points, stat];
}

/** Sort datapoints, infer the period, and lay them on a regular grid (gaps per policy). */
function regularize(points: Point[], options: CloudWatchOptions, notes: string[]): RateSeries {
  const loc = { file: options.displayName, path: options.path };
  if (points.length === 0) throw new InputError("the export has no datapoints", loc);
  for (const p of points) {
    if (Number.isNaN(p.t)) throw new InputError(`bad timestamp in ${p.where}`, loc);
    if (!Number.isFinite(p.v) || p.v < 0)
      throw new InputError(`value is not a number >= 0 in ${p.where}`, loc);
  }
  points.sort((a, b) => a.t - b.t);
  let period = options.periodMs;
  if (period === undefined) {
    period = Number.POSITIVE_INFINITY;
    for (let i = 1; i < points.length; i++) {
      const d = points[i].t - points[i - 1].t;
      if (d === 0)
        throw new InputError(`duplicate timestamp ${isoUtc(points[i].t)} (${points[i].where})`, loc);
      if (d < period) period = d;
    }
    if (!Number.isFinite(period)) {
      throw new InputError("a single datapoint: cannot infer the period; give periodMs", loc);
    }
  } else if (!(Number.isInteger(period) && period > 0)) {
    throw new InputError(`periodMs must be a positive integer (got ${period})`, loc);
  }
  const gaps = options.gaps ?? CLOUDWATCH_DEFAULT_GAPS;
  const startMs = points[0].t;
  const n = (points[points.length - 1].t - startMs) / period + 1;
  const counts = new Float64Array(Math.max(1, Math.floor(n)));
  let prev = Number.NaN;
  for (const p of points) {
    const off = p.t - startMs;
    if (off % period !== 0) {
      throw new InputError(
        `timestamp ${isoUtc(p.t)} is off the ${formatStep(period)} period grid (${p.where})`,
        loc,
      );
    }
    if (p.t === prev) throw new InputError(`duplicate timestamp ${isoUtc(p.t)} (${p.where})`, loc);
    const missing = Number.isNaN(prev) ? 0 : (p.t - prev) / period - 1;
    if (missing > 0 && gaps === "error") {
      throw new InputError(
        `gap: ${missing} missing period(s) between ${isoUtc(prev)} and ${isoUtc(p.t)}; set gaps: zero to count them as zero requests`,
        loc,
      );
    }
    counts[off / period] = p.v;
    prev = p.t;
  }
  const filled = counts.length - points.length;
  if (filled > 0) notes.push(`${filled} missing period(s) filled with zero requests`);
  return { startMs, stepMs: period, counts, source: "", notes };
}
