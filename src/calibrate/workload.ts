import { InputError } from "../errors.js";
import type { MetricResult } from "../backtest/metric-data.js";
import { leastSquares, normalQuantile } from "./fit.js";

/**
 * Fit the scenario's `workload:` block from the service's CloudWatch exports:
 * - cpuPerRequest and cpuIdle: ECS CPUUtilization is the service's CPU used as a percentage of the CPU its
 *   tasks reserve (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html),
 *   so busy vCPUs = CPUUtilization / 100 × running tasks × task vCPU, which the model makes
 *   cpuPerRequest × requests per second + cpuIdle × task vCPU × running tasks (src/models/traffic/fluid.ts).
 *   Least squares over the periods gives both, with R².
 * - serviceTime: the ALB's TargetResponseTime ("the time elapsed, in seconds, after the request leaves the
 *   load balancer until a response from the target is received",
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html)
 *   in the quietest quarter of periods (fewest requests per task), where queueing adds least: the mean
 *   from the Average statistic, the cv of a lognormal through the exported p50 and the highest percentile,
 *   and how far that lognormal's predictions land from the other statistics.
 */
export interface WorkloadInputs {
  cpu: MetricResult;
  requests: MetricResult;
  running?: MetricResult;
  /** Task size in vCPU. */
  taskVcpu?: number;
  /** TargetResponseTime results (Average and/or pNN), seconds. */
  responseTimes?: MetricResult[];
}

export interface WorkloadFit {
  periods: number;
  cpu?: {
    cpuPerRequestMs: number;
    cpuIdle: number;
    r2: number;
    periods: number;
    saturated: number;
    /** Periods left out of the second fit (residual beyond OUTLIER_MADS median absolute residuals). */
    outliers: number;
  };
  serviceTime?: {
    lowLoadPeriods: number;
    meanMs: number;
    cv: number | null;
    /** Statistics of the quiet periods, ms (Average, p50, p99...). */
    observed: Record<string, number>;
    /** The fitted lognormal's value of each statistic not used to fit it, ms. */
    predicted: Record<string, number>;
  };
}

interface Period {
  t: number;
  rate: number;
  running: number;
}

/** Mean of a result's datapoints in [t, t + len). */
function meanIn(r: MetricResult, t: number, len: number): number {
  let s = 0;
  let n = 0;
  for (const p of r.points) {
    if (p.t >= t && p.t < t + len) {
      s += p.v;
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}

function periodOf(r: MetricResult): number {
  let p = Number.POSITIVE_INFINITY;
  for (let i = 1; i < r.points.length; i++) {
    const d = r.points[i].t - r.points[i - 1].t;
    if (d > 0 && d < p) p = d;
  }
  return Number.isFinite(p) ? p : 60_000;
}

/** The request periods, each with its request rate and the running tasks in it. */
function periods(inp: WorkloadInputs, len: number): Period[] {
  return inp.requests.points.map((p) => ({
    t: p.t,
    rate: p.v / (len / 1000),
    running: inp.running ? meanIn(inp.running, p.t, len) : Number.NaN,
  }));
}

/** A period whose residual exceeds this many median absolute residuals is refitted without. */
export const OUTLIER_MADS = 5;

/**
 * Least squares, then again without the periods the first fit explains worst: periods when the service
 * was overloaded (requests queued, so CPU reflects what was served rather than what arrived) would
 * otherwise pull the slope towards them.
 */
function trimmedLeastSquares(rows: number[][], y: number[]) {
  const first = leastSquares(rows, y);
  const res = rows.map((x, i) => Math.abs(y[i] - x.reduce((s, v, j) => s + v * first.beta[j], 0)));
  const limit = OUTLIER_MADS * median(res);
  const keep = res.map((r) => r <= limit || limit === 0);
  const outliers = keep.filter((k) => !k).length;
  if (outliers === 0) return { ...first, outliers };
  const fit = leastSquares(
    rows.filter((_, i) => keep[i]),
    y.filter((_, i) => keep[i]),
  );
  return { ...fit, outliers };
}

/** CPUUtilization at or above this is read as saturated. */
export const SATURATED_PERCENT = 99;

function fitCpu(inp: WorkloadInputs, ps: Period[], len: number): WorkloadFit["cpu"] {
  if (!inp.running || !inp.taskVcpu) return undefined;
  const rows: number[][] = [];
  const y: number[] = [];
  let saturated = 0;
  for (const p of ps) {
    const cpu = meanIn(inp.cpu, p.t, len);
    // A saturated period shows the CPU's limit, not the work asked of it: left out.
    if (cpu >= SATURATED_PERCENT) saturated++;
    if (!Number.isFinite(cpu) || cpu >= SATURATED_PERCENT || !(p.running > 0)) continue;
    rows.push([p.rate, p.running * inp.taskVcpu]);
    y.push((cpu / 100) * p.running * inp.taskVcpu);
  }
  if (rows.length < 3) return undefined;
  const { beta, r2, outliers } = trimmedLeastSquares(rows, y);
  return {
    outliers,
    cpuPerRequestMs: beta[0] * 1000,
    cpuIdle: Math.max(0, beta[1]),
    r2,
    periods: rows.length,
    saturated,
  };
}

const PCT_RE = /\bp(\d+(?:\.\d+)?)\b/i;
const AVG_RE = /avg|average|mean/i;

function statName(r: MetricResult): string | null {
  const m = PCT_RE.exec(r.id) ?? PCT_RE.exec(r.label);
  if (m) return `p${m[1]}`;
  return AVG_RE.test(r.id) || AVG_RE.test(r.label) ? "Average" : null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function fitServiceTime(inp: WorkloadInputs, ps: Period[], len: number): WorkloadFit["serviceTime"] {
  const rts = (inp.responseTimes ?? []).map((r) => ({ r, stat: statName(r) })).filter((x) => x.stat !== null);
  if (rts.length === 0) return undefined;
  // The quietest quarter of the periods with traffic: fewest requests per running task (or per second).
  const load = (p: Period) => (p.running > 0 ? p.rate / p.running : p.rate);
  const busy = ps.filter((p) => p.rate > 0).sort((a, b) => load(a) - load(b) || a.t - b.t);
  const quiet = busy.slice(0, Math.max(1, Math.ceil(busy.length / 4)));
  const observed: Record<string, number> = {};
  for (const { r, stat } of rts) {
    const vals = quiet.map((p) => meanIn(r, p.t, len) * 1000).filter(Number.isFinite);
    // The Average of quiet periods is averaged; percentiles of periods are summarised by their median.
    if (vals.length > 0)
      observed[stat as string] =
        stat === "Average" ? vals.reduce((s, v) => s + v, 0) / vals.length : median(vals);
  }
  const pcts = Object.keys(observed)
    .filter((k) => k.startsWith("p") && k !== "p50")
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const high = pcts.at(-1);
  const predicted: Record<string, number> = {};
  let cv: number | null = null;
  let meanMs = observed.Average ?? Number.NaN;
  if (observed.p50 !== undefined && high !== undefined) {
    const sigma = Math.log(observed[high] / observed.p50) / normalQuantile(Number(high.slice(1)) / 100);
    const mu = Math.log(observed.p50);
    cv = Math.sqrt(Math.expm1(sigma * sigma));
    const lnMean = Math.exp(mu + (sigma * sigma) / 2);
    if (observed.Average !== undefined) predicted.Average = lnMean;
    else meanMs = lnMean;
    for (const k of pcts.slice(0, -1))
      predicted[k] = Math.exp(mu + sigma * normalQuantile(Number(k.slice(1)) / 100));
  }
  if (!Number.isFinite(meanMs)) return undefined;
  return { lowLoadPeriods: quiet.length, meanMs, cv, observed, predicted };
}

export function calibrateWorkload(inp: WorkloadInputs): WorkloadFit {
  if (inp.requests.points.length === 0)
    throw new InputError("the requests export has no datapoints", {
      file: inp.requests.file,
      path: "--requests",
    });
  const len = periodOf(inp.requests);
  const ps = periods(inp, len);
  return { periods: ps.length, cpu: fitCpu(inp, ps, len), serviceTime: fitServiceTime(inp, ps, len) };
}

const ms = (v: number) => `${Math.round(v * 10) / 10}ms`;

/** The `workload:` lines to paste into a scenario, figures of fit as YAML comments. */
export function workloadBlock(f: WorkloadFit, source: string): string {
  const lines = [`# scalesim calibrate: ${f.periods} periods from ${source}`, "workload:"];
  if (f.cpu) {
    lines.push(
      `  cpuPerRequest: ${ms(f.cpu.cpuPerRequestMs)}   # least squares of busy vCPUs on requests/s and running tasks over ${f.cpu.periods - f.cpu.outliers} periods${f.cpu.saturated ? `, ${f.cpu.saturated} saturated (≥ ${SATURATED_PERCENT} %) left out` : ""}${f.cpu.outliers ? `, ${f.cpu.outliers} outliers (> ${OUTLIER_MADS} median residuals) left out` : ""}: R² ${f.cpu.r2.toFixed(3)}`,
      `  cpuIdle: ${Math.round(f.cpu.cpuIdle * 1000) / 1000}   # idle share of a task's vCPUs, same fit`,
    );
  } else
    lines.push(
      "  # cpuPerRequest: not fitted (needs CPUUtilization, RunningTaskCount (--task-counts) and --task-cpu)",
    );
  const s = f.serviceTime;
  if (s) {
    const obs = Object.entries(s.observed)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(", ");
    const pred = Object.entries(s.predicted)
      .map(([k, v]) => `${k} ${ms(v)} (${Math.round((100 * (v - s.observed[k])) / s.observed[k])} %)`)
      .join(", ");
    const shape =
      s.cv === null
        ? `distribution: exponential, mean: ${ms(s.meanMs)}`
        : `distribution: lognormal, mean: ${ms(s.meanMs)}, cv: ${s.cv.toFixed(2)}`;
    lines.push(
      `  serviceTime: { ${shape} }   # ${s.lowLoadPeriods} quietest periods: ${obs}${pred ? `; the lognormal predicts ${pred}` : ""}${s.cv === null ? "; no percentiles exported, so the cv is unknown (exponential assumed)" : ""}`,
    );
  } else
    lines.push(
      "  # serviceTime: not fitted (needs --response-time with Average or p50 and a higher percentile)",
    );
  return `${lines.join("\n")}\n`;
}
