import type { AssumptionValues } from "../../assumptions.js";
import { Simulation } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import { CostLedger } from "../../models/billing/ledger.js";
import { type Decision, type DecisionSink, platformDecision } from "../../models/decisions.js";
import type { PlatformResult } from "../../models/platform/result.js";
import { MinuteSeries } from "../../models/traffic/minute-series.js";
import type { Platform, ScenarioData } from "../../scenario/schema.js";

/** What every platform runner receives. */
export interface PlatformRunInput<P = Platform> {
  name: string;
  platform: P;
  scenario: ScenarioData;
  assumptions: AssumptionValues;
  /** Requests per second per interval of the traffic series. */
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  seed: number;
  /** Epoch ms of simulated time 0 (scheduled actions and predictive hours are clock times). */
  startMs?: number;
  /** Per-request trace: arrival times (ms from the start) and service times, replayed in request mode. */
  requestTrace?: { timesMs: Float64Array; serviceMs?: Float64Array };
  /** False: the minute series' p50/p95/p99 are left out (NaN) in fluid mode, for runs that write no series. */
  minuteQuantiles?: boolean;
}

/**
 * One platform's run in progress: its input and the bookkeeping every kind shares (so that all kinds bill,
 * record and log alike): the simulation, a cost ledger and minute series over the run, and the decision log.
 */
export interface PlatformRun<P = Platform> {
  input: PlatformRunInput<P>;
  sim: Simulation;
  /** Minutes in the run (the last one may be partial). */
  minutes: number;
  ledger: CostLedger;
  series: MinuteSeries;
  decisions: Decision[];
  log: DecisionSink;
}

export function startPlatformRun<P>(input: PlatformRunInput<P>): PlatformRun<P> {
  const sim = new Simulation(input.seed);
  const minutes = Math.ceil(input.durationMs / MINUTE);
  const ledger = new CostLedger(minutes);
  const series = new MinuteSeries(minutes);
  const decisions: Decision[] = [];
  const log: DecisionSink = (d) => decisions.push(platformDecision(d, input.name));
  return { input, sim, minutes, ledger, series, decisions, log };
}

/** The books closed after the run: the per-minute cost and the total, also written into the minute series. */
export interface ClosedBooks {
  perMinuteCost: Float64Array;
  totalUsd: number;
}

/**
 * The shape every platform kind fills in. The skeleton calls the steps in this order, so that events the
 * steps schedule at the same instant keep one order from run to run:
 *
 * 1. `build`: the kind's parts (capacity, serving units, traffic, metrics), nothing running yet;
 * 2. `warmStart`: the platform existed before the trace, so its initial capacity is in service at t = 0;
 * 3. `start`: feeds and controllers begin (arrivals, minute closing, scaling);
 * 4. the simulation runs to the end of the trace;
 * 5. `finish`: open bills and intervals close at the end of the run;
 * 6. the books close (`ClosedBooks`), then `collect` assembles the result.
 */
export interface PlatformKind<P, Parts> {
  build(run: PlatformRun<P>): Parts;
  warmStart?(parts: Parts, run: PlatformRun<P>): void;
  start?(parts: Parts, run: PlatformRun<P>): void;
  finish?(parts: Parts, run: PlatformRun<P>): void;
  collect(parts: Parts, run: PlatformRun<P>, books: ClosedBooks): PlatformResult;
}

/** Run one platform kind over its input: the skeleton every kind shares. */
export function runPlatformKind<P, Parts>(
  kind: PlatformKind<P, Parts>,
  input: PlatformRunInput<P>,
): PlatformResult {
  const run = startPlatformRun(input);
  const parts = kind.build(run);
  kind.warmStart?.(parts, run);
  kind.start?.(parts, run);
  run.sim.run(input.durationMs);
  kind.finish?.(parts, run);
  const perMinuteCost = run.ledger.perMinute();
  run.series.columns.costUsd.set(perMinuteCost);
  return kind.collect(parts, run, { perMinuteCost, totalUsd: run.ledger.totalUsd() });
}
