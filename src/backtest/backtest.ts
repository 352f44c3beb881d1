import { MINUTE } from "../engine/time.js";
import { InputError } from "../errors.js";
import type { PlatformResult } from "../models/platform/result.js";
import { clusterName } from "../output/task-events.js";
import type { Scenario } from "../scenario/load.js";
import { type SimulationResult, simulate } from "../simulate.js";
import { type Activity, pickPlatform, scalingActions } from "./activities.js";
import {
  compareTimelines,
  type MatchedPair,
  matchSteps,
  type RealStep,
  realSteps,
  round,
  type SimStep,
  simSteps,
  startLagSeconds,
  stepTimeline,
  type TimelineComparison,
} from "./compare.js";
import { type MetricResult, perMinute, pickResult } from "./metric-data.js";

/** The real history a backtest compares with. */
export interface History {
  activities: Activity[];
  activitiesFile: string;
  /** Container Insights DesiredTaskCount / RunningTaskCount (get-metric-data). */
  taskCounts?: { results: MetricResult[]; file: string };
  /** The service's CPUUtilization (get-metric-data). */
  cpu?: { results: MetricResult[]; file: string };
}

export interface BacktestOptions {
  platform?: string;
  /** Largest time offset at which a decision still matches an activity. Default 10 minutes. */
  matchWindowMs?: number;
  seed?: number;
}

export const DEFAULT_MATCH_WINDOW_MS = 10 * MINUTE;
/** Start-up lags are measured over at most this long after a scale-out. */
const LAG_HORIZON_MS = 15 * MINUTE;

const iso = (ms: number) => new Date(ms).toISOString();

function stepJson(s: RealStep | SimStep) {
  return "causeKind" in s
    ? { time: iso(s.t), from: s.from, to: s.to, causeKind: s.causeKind, source: s.source, cause: s.cause }
    : { time: iso(s.t), from: s.from, to: s.to, controller: s.controller, policy: s.policy };
}

/** What `backtest.json` holds (docs/backtest.md). */
export interface BacktestResult {
  scenario: string;
  platform: string;
  resourceId: string | null;
  period: { start: string; end: string; minutes: number };
  matchWindowSeconds: number;
  activities: {
    real: number;
    simulated: number;
    matched: number;
    unmatchedReal: number;
    unmatchedSimulated: number;
    meanAbsOffsetSeconds: number | null;
    sameTargetShare: number | null;
    failed: number;
    notSuccessful: { time: string; to: number; statusCode: string; causeKind: string; cause: string }[];
    outsidePeriod: number;
    byCause: Record<string, { real: number; matched: number }>;
    pairs: ReturnType<typeof pairJson>[];
    unmatched: { real: ReturnType<typeof stepJson>[]; simulated: ReturnType<typeof stepJson>[] };
  };
  taskMinutesAbsError: number;
  timelines: {
    desired: TimelineComparison & { realSource: "DesiredTaskCount" | "activities" };
    running: TimelineComparison | null;
  };
  startLag: { scaleOuts: number; realMeanSeconds: number; simulatedMeanSeconds: number } | null;
  cpu: { minutes: number; realMean: number; simulatedMean: number; meanAbsErrorPoints: number } | null;
  cost: { simulatedUsd: number; impliedRealUsd: number | null; basis: string };
  /** Per-minute series for the chart: minute start times and the four counts (null where unknown). */
  series: {
    time: string[];
    realDesired: (number | null)[];
    simDesired: number[];
    realRunning: (number | null)[];
    simRunning: number[];
  };
}

function pairJson(p: MatchedPair) {
  return {
    real: stepJson(p.real),
    simulated: stepJson(p.simulated),
    offsetSeconds: p.offsetSeconds,
    sameTo: p.sameTo,
  };
}

function initialDesired(scenario: Scenario, platform: string): number | null {
  const svc = (scenario.platforms[platform] as { service?: { desiredCount?: number } } | undefined)?.service;
  return typeof svc?.desiredCount === "number" ? svc.desiredCount : null;
}

function seriesOf(h: History["taskCounts"], re: RegExp, what: string, startMs: number, minutes: number) {
  if (!h) return undefined;
  const r = pickResult(h.results, re, what, h.file, "--task-counts", false);
  return r ? perMinute(r.points, startMs, minutes) : undefined;
}

/** Mean start-up lag of the matched scale-outs on both sides, from the running-count timelines. */
function startLag(
  pairs: MatchedPair[],
  real: RealStep[],
  sim: SimStep[],
  realRunning: Float64Array | undefined,
  simRunning: ArrayLike<number>,
  startMs: number,
): BacktestResult["startLag"] {
  if (!realRunning) return null;
  const nextAfter = (steps: { t: number }[], t: number) =>
    steps.find((s) => s.t > t)?.t ?? Number.POSITIVE_INFINITY;
  let n = 0;
  let rs = 0;
  let ss = 0;
  for (const p of pairs) {
    if (p.real.from === null || p.real.to <= p.real.from) continue;
    const r = startLagSeconds(
      realRunning,
      startMs,
      { ...p.real, from: p.real.from },
      Math.min(nextAfter(real, p.real.t), p.real.t + LAG_HORIZON_MS),
    );
    const s = startLagSeconds(
      simRunning,
      startMs,
      p.simulated,
      Math.min(nextAfter(sim, p.simulated.t), p.simulated.t + LAG_HORIZON_MS),
    );
    if (!Number.isFinite(r) || !Number.isFinite(s)) continue;
    n++;
    rs += r;
    ss += s;
  }
  return n === 0
    ? null
    : { scaleOuts: n, realMeanSeconds: round(rs / n, 1), simulatedMeanSeconds: round(ss / n, 1) };
}

function compareCpu(
  h: History["cpu"],
  sim: ArrayLike<number>,
  startMs: number,
  minutes: number,
): BacktestResult["cpu"] {
  if (!h) return null;
  const r =
    pickResult(h.results, /cpu/i, "CPUUtilization", h.file, "--cpu", h.results.length > 1) ?? h.results[0];
  const real = perMinute(r.points, startMs, minutes);
  let n = 0;
  let rs = 0;
  let ss = 0;
  let err = 0;
  for (let m = 0; m < minutes; m++) {
    if (Number.isNaN(real[m]) || Number.isNaN(sim[m])) continue;
    n++;
    rs += real[m];
    ss += sim[m];
    err += Math.abs(sim[m] - real[m]);
  }
  return n === 0
    ? null
    : {
        minutes: n,
        realMean: round(rs / n, 3),
        simulatedMean: round(ss / n, 3),
        meanAbsErrorPoints: round(err / n, 3),
      };
}

function byCause(acts: RealStep[], pairs: MatchedPair[]) {
  const out: Record<string, { real: number; matched: number }> = {};
  for (const a of acts) (out[a.causeKind] ??= { real: 0, matched: 0 }).real++;
  for (const p of pairs) out[p.real.causeKind].matched++;
  return out;
}

/** Compare an already simulated run with the history. */
export function compareWithHistory(
  scenario: Scenario,
  res: SimulationResult,
  h: History,
  opts: BacktestOptions = {},
): BacktestResult {
  const p: PlatformResult | undefined = pickPlatform(res, opts.platform);
  if (!p)
    throw new InputError(
      `no platform named "${opts.platform}" (have: ${res.platforms.map((x) => x.name).join(", ")})`,
      {
        path: "--platform",
      },
    );
  const startMs = res.startMs;
  const minutes = p.minutes.minutes;
  const endMs = startMs + minutes * MINUTE;
  const windowMs = opts.matchWindowMs ?? DEFAULT_MATCH_WINDOW_MS;
  const inPeriod = h.activities.filter((a) => a.startMs >= startMs && a.startMs < endMs);
  const successful = inPeriod.filter((a) => a.statusCode === "Successful");
  const realDesiredCounts = seriesOf(h.taskCounts, /desired/i, "DesiredTaskCount", startMs, minutes);
  const realRunning = seriesOf(h.taskCounts, /running/i, "RunningTaskCount", startMs, minutes);
  const initial =
    realDesiredCounts && !Number.isNaN(realDesiredCounts[0])
      ? Math.round(realDesiredCounts[0])
      : initialDesired(scenario, p.name);
  const real = realSteps(successful, initial);
  const sim = simSteps(scalingActions(p.decisions), startMs).filter((x) => x.t < endMs);
  const m = matchSteps(real, sim, windowMs);
  const cols = p.minutes.columns;
  const realDesired = realDesiredCounts ?? stepTimeline(real, initial ?? cols.desired[0], startMs, minutes);
  const desired = {
    ...compareTimelines(realDesired, cols.desired),
    realSource: realDesiredCounts ? ("DesiredTaskCount" as const) : ("activities" as const),
  };
  const running = realRunning ? compareTimelines(realRunning, cols.running) : null;
  const offsets = m.pairs.map((x) => Math.abs(x.offsetSeconds));
  // Fargate bills task time linearly (per second), so the real service's cost is the simulated cost scaled by
  // the ratio of running task-minutes. https://aws.amazon.com/fargate/pricing/
  const implied =
    running && running.simulatedTaskMinutes > 0
      ? (p.cost.totalUsd * running.realTaskMinutes) / running.simulatedTaskMinutes
      : null;
  const nullable = (a: Float64Array | undefined) =>
    Array.from(a ?? new Float64Array(minutes).fill(Number.NaN), (v) =>
      Number.isNaN(v) ? null : round(v, 3),
    );
  return {
    scenario: res.scenario,
    platform: p.name,
    resourceId:
      h.activities.find((a) => a.resourceId)?.resourceId ?? `service/${clusterName(res.scenario)}/${p.name}`,
    period: { start: iso(startMs), end: iso(endMs), minutes },
    matchWindowSeconds: windowMs / 1000,
    activities: {
      real: real.length,
      simulated: sim.length,
      matched: m.pairs.length,
      unmatchedReal: m.unmatchedReal.length,
      unmatchedSimulated: m.unmatchedSimulated.length,
      meanAbsOffsetSeconds: offsets.length
        ? round(offsets.reduce((s, v) => s + v, 0) / offsets.length, 3)
        : null,
      sameTargetShare: m.pairs.length
        ? round(m.pairs.filter((x) => x.sameTo).length / m.pairs.length, 4)
        : null,
      failed: inPeriod.filter((a) => a.statusCode === "Failed").length,
      notSuccessful: inPeriod
        .filter((a) => a.statusCode !== "Successful")
        .map((a) => ({
          time: iso(a.startMs),
          to: a.to,
          statusCode: a.statusCode,
          causeKind: a.causeKind,
          cause: a.cause,
        })),
      outsidePeriod: h.activities.length - inPeriod.length,
      byCause: byCause(real, m.pairs),
      pairs: m.pairs.map(pairJson),
      unmatched: { real: m.unmatchedReal.map(stepJson), simulated: m.unmatchedSimulated.map(stepJson) },
    },
    taskMinutesAbsError: desired.taskMinutesAbsError,
    timelines: { desired, running },
    startLag: startLag(m.pairs, real, sim, realRunning, cols.running, startMs),
    cpu: compareCpu(h.cpu, cols.cpuPercent, startMs, minutes),
    cost: {
      simulatedUsd: round(p.cost.totalUsd, 4),
      impliedRealUsd: implied === null ? null : round(implied, 4),
      basis: "simulated cost × real / simulated running task-minutes (Fargate bills task time per second)",
    },
    series: {
      time: Array.from({ length: minutes }, (_, i) => iso(startMs + i * MINUTE)),
      realDesired: nullable(realDesired instanceof Float64Array ? realDesired : undefined),
      simDesired: Array.from(cols.desired, (v) => round(v, 3)),
      realRunning: nullable(realRunning),
      simRunning: Array.from(cols.running, (v) => round(v, 3)),
    },
  };
}

/** Simulate the scenario and compare it with the history. */
export async function backtest(
  scenario: Scenario,
  h: History,
  opts: BacktestOptions = {},
): Promise<BacktestResult> {
  const res = await simulate(scenario, { seed: opts.seed });
  const first = h.activities[0];
  const last = h.activities.at(-1);
  const startMs = res.startMs;
  const endMs = startMs + res.durationMs;
  if (first && last && (last.startMs < startMs || first.startMs >= endMs))
    throw new InputError(
      `the activities (${iso(first.startMs)} to ${iso(last.startMs)}) lie outside the scenario's period (${iso(startMs)} to ${iso(endMs)}); set traffic.window to the history's period`,
      { file: h.activitiesFile, path: "--activities" },
    );
  return compareWithHistory(scenario, res, h, opts);
}
