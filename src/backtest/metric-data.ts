import { MINUTE } from "../engine/time.js";
import { InputError } from "../errors.js";
import { parseIsoMs } from "../trace/series.js";
import { errorAt, type JsonDoc, readJsonDocuments } from "./json-input.js";

/**
 * `aws cloudwatch get-metric-data` output holding several queries: `MetricDataResults[]` with `Id`,
 * `Label`, `Timestamps` and `Values` (parallel arrays) and `StatusCode`; results with the same Id on
 * several pages are joined. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataResult.html
 * Container Insights names the service metrics RunningTaskCount and DesiredTaskCount, and the label of a
 * query defaults to the metric name.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
 */
export interface MetricResult {
  id: string;
  label: string;
  points: { t: number; v: number }[];
  /** `file:line:col` of the result, for messages. */
  file: string;
}

function timeMs(raw: unknown): number {
  if (typeof raw === "number") return Math.round(raw > 1e11 ? raw : raw * 1000);
  if (typeof raw === "string") return Math.round(parseIsoMs(raw));
  return Number.NaN;
}

function resultsOf(doc: JsonDoc): { list: unknown[]; path: (string | number)[] } {
  const list = (doc.json as Record<string, unknown> | null)?.MetricDataResults;
  if (!Array.isArray(list))
    throw errorAt(doc, [], 'expected get-metric-data output: an object with "MetricDataResults": [...]');
  return { list, path: ["MetricDataResults"] };
}

export function parseMetricData(docs: JsonDoc[]): MetricResult[] {
  const byId = new Map<string, MetricResult>();
  for (const doc of docs) {
    const { list, path } = resultsOf(doc);
    list.forEach((raw, k) => {
      const r = (raw ?? {}) as Record<string, unknown>;
      const at = [...path, k];
      if (typeof r.Id !== "string") throw errorAt(doc, [...at, "Id"], "expected a string");
      const ts = r.Timestamps;
      const vs = r.Values;
      if (!Array.isArray(ts) || !Array.isArray(vs) || ts.length !== vs.length)
        throw errorAt(doc, at, "Timestamps and Values must be arrays of equal length");
      let res = byId.get(r.Id);
      if (!res) {
        res = { id: r.Id, label: typeof r.Label === "string" ? r.Label : r.Id, points: [], file: doc.file };
        byId.set(r.Id, res);
      }
      for (let i = 0; i < ts.length; i++) {
        const t = timeMs(ts[i]);
        if (!Number.isFinite(t)) throw errorAt(doc, [...at, "Timestamps", i], "expected an ISO 8601 time");
        const v = vs[i];
        if (typeof v !== "number" || !Number.isFinite(v))
          throw errorAt(doc, [...at, "Values", i], "expected a number");
        res.points.push({ t, v });
      }
    });
  }
  for (const r of byId.values()) r.points.sort((a, b) => a.t - b.t);
  return [...byId.values()];
}

export function readMetricData(file: string, option: string): MetricResult[] {
  return parseMetricData(readJsonDocuments(file, option));
}

/** The result whose Id or Label matches `re`; with `required`, an error naming what the file has. */
export function pickResult(
  results: MetricResult[],
  re: RegExp,
  what: string,
  file: string,
  option: string,
  required = true,
): MetricResult | undefined {
  const hit = results.find((r) => re.test(r.label)) ?? results.find((r) => re.test(r.id));
  if (!hit && required)
    throw new InputError(
      `no ${what} result (by Label or Id); the file has ${results.map((r) => `${r.id} (${r.label})`).join(", ") || "none"}`,
      { file, path: option },
    );
  return hit;
}

/**
 * The mean of the datapoints falling in each minute [start + m, start + m + 1 min), NaN where none does:
 * datapoints off the minute grid land in the minute that holds them, and gaps stay visible.
 */
export function perMinute(
  points: readonly { t: number; v: number }[],
  startMs: number,
  minutes: number,
): Float64Array {
  const sum = new Float64Array(minutes);
  const n = new Float64Array(minutes);
  for (const p of points) {
    const m = Math.floor((p.t - startMs) / MINUTE);
    if (m < 0 || m >= minutes) continue;
    sum[m] += p.v;
    n[m]++;
  }
  const out = new Float64Array(minutes);
  for (let m = 0; m < minutes; m++) out[m] = n[m] > 0 ? sum[m] / n[m] : Number.NaN;
  return out;
}

/**
 * Per-minute values as get-metric-data output: one MetricDataResult per series, timestamps at the start
 * of each minute, newest first as the API returns them by default (ScanBy TimestampDescending); NaN
 * minutes are left out, as CloudWatch leaves out periods without data.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
export function metricDataJson(
  startMs: number,
  series: { id: string; label: string; values: ArrayLike<number> }[],
): string {
  const result = ({ id, label, values }: (typeof series)[number]) => {
    const ts: string[] = [];
    const vs: number[] = [];
    for (let m = values.length - 1; m >= 0; m--) {
      if (Number.isNaN(values[m])) continue;
      ts.push(new Date(startMs + m * MINUTE).toISOString().replace(".000Z", "Z"));
      vs.push(Math.round(values[m] * 1e6) / 1e6);
    }
    return { Id: id, Label: label, Timestamps: ts, Values: vs, StatusCode: "Complete" };
  };
  return `${JSON.stringify({ MetricDataResults: series.map(result), Messages: [] }, null, 1)}\n`;
}

/** A run's per-minute desired and running task counts (Container Insights DesiredTaskCount, RunningTaskCount). */
export function taskCountsJson(
  startMs: number,
  columns: { desired: ArrayLike<number>; running: ArrayLike<number> },
): string {
  return metricDataJson(startMs, [
    { id: "desired", label: "DesiredTaskCount", values: columns.desired },
    { id: "running", label: "RunningTaskCount", values: columns.running },
  ]);
}
