/**
 * Traffic inputs: load a trace file or generate a synthetic shape, then cut a window and scale it.
 * Plain typed options, independent of the scenario schema, so the scenario layer maps its fields here.
 */
import { stat } from "node:fs/promises";
import { extname, isAbsolute, resolve } from "node:path";
import { InputError } from "../errors.js";
import { readAlbLogs } from "./alb-logs.js";
import { type CloudWatchStatistic, readCloudWatch } from "./cloudwatch.js";
import { type GapPolicy, readCountValues, readCountsCsv } from "./csv-counts.js";
import { readRequestsCsv } from "./csv-requests.js";
import { type EpochUnit, MAX_INTERVAL_COUNT, MAX_INTERVALS, type RateSeries } from "./series.js";
import { type SyntheticSpec, synthesize } from "./synthetic.js";
import { scale, selectWindow } from "./window.js";

export * from "./alb-logs.js";
export * from "./cloudwatch.js";
export * from "./csv-counts.js";
export * from "./csv-requests.js";
export * from "./series.js";
export * from "./synthetic.js";
export * from "./window.js";

/**
 * Trace file formats: `csv` counts per interval, `requests` one row per request, `cloudwatch` JSON from
 * get-metric-data / get-metric-statistics, `values` whitespace-separated counts without timestamps,
 * `alb-logs` Application Load Balancer access logs (a file, .gz, or a folder of them).
 */
export type TraceFormat = "csv" | "requests" | "cloudwatch" | "values" | "alb-logs";

export interface TrafficSpec {
  /** Trace file, relative to baseDir. Exactly one of trace and synthetic. */
  trace?: string;
  /** Default: `cloudwatch` for `.json` files, otherwise `csv`. */
  format?: TraceFormat;
  timestampColumn?: string;
  /** Count column (csv). */
  valueColumn?: string;
  /** Service-time column in ms (requests); `target_processing_time` (alb-logs). */
  serviceColumn?: string;
  /** Keep every request's arrival time (request mode); per-request formats only. */
  perRequest?: boolean;
  /** Bin width for per-request traces, ms. */
  binMs?: number;
  /** Missing intervals: csv default `error`, cloudwatch default `zero`. */
  gaps?: GapPolicy;
  epochUnit?: EpochUnit;
  /** Interval length, ms: csv override, `values` (required) and synthetic (default 1000). */
  stepMs?: number;
  /** Epoch ms of the first value (`values` format; synthetic, default 0). */
  startMs?: number;
  /** cloudwatch: metric result Id, statistic, period override. */
  id?: string;
  statistic?: CloudWatchStatistic;
  periodMs?: number;
  /** requests: tolerated step back in time before an out-of-order row is an error, ms. */
  sortToleranceMs?: number;
  /** Multiply all counts (e.g. to turn a small trace into production load). */
  multiplier?: number;
  /** Part of the trace to replay. */
  window?: { startMs?: number; offsetMs?: number; durationMs?: number };
  synthetic?: SyntheticSpec;
  /** Synthetic length; for a trace without a window, the length replayed from its start. */
  durationMs?: number;
}

export interface LoadTrafficOptions {
  /** Directory relative trace paths resolve against (the scenario file's directory). */
  baseDir: string;
  /** Run seed (synthetic noise). */
  seed?: number;
  /** Scenario field holding the spec, for messages. Default `traffic`. */
  path?: string;
}

/** Load the traffic a spec describes. Missing files and malformed input are InputErrors. */
export async function loadTraffic(spec: TrafficSpec, options: LoadTrafficOptions): Promise<RateSeries> {
  const base = options.path ?? "traffic";
  const at = (field: string) => `${base}.${field}`;
  if ((spec.trace === undefined) === (spec.synthetic === undefined)) {
    throw new InputError("give exactly one of trace (a file) or synthetic (a shape)", { path: base });
  }
  let series: RateSeries;
  if (spec.synthetic !== undefined) {
    if (spec.durationMs === undefined) {
      throw new InputError("synthetic traffic needs a duration (e.g. duration: 1h at the top level)", {
        path: at("durationMs"),
      });
    }
    series = synthesize(spec.synthetic, {
      durationMs: spec.durationMs,
      stepMs: spec.stepMs,
      seed: options.seed,
      startMs: spec.startMs,
      path: at("synthetic"),
    });
  } else {
    const trace = spec.trace as string;
    const file = isAbsolute(trace) ? trace : resolve(options.baseDir, trace);
    try {
      const st = await stat(file);
      // ALB access logs come as a folder of files, as delivered to S3.
      if (!st.isFile() && !(spec.format === "alb-logs" && st.isDirectory())) throw new Error("not a file");
    } catch {
      throw new InputError(`trace file not found: ${trace} (resolved to ${file})`, { path: at("trace") });
    }
    const format = spec.format ?? (extname(file).toLowerCase() === ".json" ? "cloudwatch" : "csv");
    const common = { path: at("trace"), displayName: trace, epochUnit: spec.epochUnit };
    switch (format) {
      case "csv":
        series = await readCountsCsv(file, {
          ...common,
          timestampColumn: spec.timestampColumn,
          valueColumn: spec.valueColumn,
          stepMs: spec.stepMs,
          gaps: spec.gaps,
          // Missing data outside an absolute window cannot affect the run: only the window is strict.
          strictRange:
            spec.window?.startMs !== undefined
              ? {
                  startMs: spec.window.startMs,
                  endMs: spec.window.startMs + (spec.window.durationMs ?? Number.POSITIVE_INFINITY),
                }
              : undefined,
        });
        break;
      case "requests":
        series = await readRequestsCsv(file, {
          ...common,
          timestampColumn: spec.timestampColumn,
          serviceColumn: spec.serviceColumn,
          binMs: spec.binMs,
          sortToleranceMs: spec.sortToleranceMs,
        });
        break;
      case "cloudwatch":
        series = await readCloudWatch(file, {
          ...common,
          id: spec.id,
          statistic: spec.statistic,
          periodMs: spec.periodMs,
          gaps: spec.gaps,
        });
        break;
      case "alb-logs":
        series = await readAlbLogs(file, {
          displayName: trace,
          path: at("trace"),
          binMs: spec.binMs,
          perRequest: spec.perRequest,
          serviceTimes: spec.serviceColumn !== undefined,
        });
        break;
      case "values":
        if (spec.stepMs === undefined || spec.startMs === undefined) {
          throw new InputError("format values needs startMs and stepMs (the file has no timestamps)", {
            path: at(spec.stepMs === undefined ? "stepMs" : "startMs"),
          });
        }
        series = await readCountValues(file, { ...common, startMs: spec.startMs, stepMs: spec.stepMs });
        break;
      default:
        throw new InputError(
          `unknown format "${String(format)}"; expected csv, requests, cloudwatch, values or alb-logs`,
          { path: at("format") },
        );
    }
    const window =
      spec.window ?? (spec.durationMs !== undefined ? { durationMs: spec.durationMs } : undefined);
    if (window !== undefined) series = selectWindow(series, { ...window, path: at("window") });
  }
  if (spec.multiplier !== undefined) series = scale(series, spec.multiplier, at("multiplier"));
  const source = spec.synthetic !== undefined ? at("synthetic") : at("trace");
  checkCounts(series, spec.multiplier !== undefined && spec.multiplier !== 1 ? at("multiplier") : source);
  return series;
}

/** Counts beyond MAX_INTERVAL_COUNT (a huge multiplier or rate) are bad input, not a load to simulate. */
function checkCounts(series: RateSeries, path: string): void {
  if (series.counts.length > MAX_INTERVALS)
    throw new InputError(`${series.counts.length} intervals; at most ${MAX_INTERVALS} are simulated`, {
      path,
    });
  for (let i = 0; i < series.counts.length; i++) {
    const c = series.counts[i];
    if (!(c <= MAX_INTERVAL_COUNT))
      throw new InputError(
        `interval ${i} would hold ${c} requests; at most ${MAX_INTERVAL_COUNT} an interval are simulated`,
        { path },
      );
  }
}
