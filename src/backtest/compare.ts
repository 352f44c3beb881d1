import { MINUTE } from "../engine/time.js";
import type { Decision } from "../models/decisions.js";
import type { Activity, CauseKind } from "./activities.js";

/**
 * Pure comparison of a real scaling history with a simulated one: activities matched to decisions,
 * per-minute timelines compared, start-up lags measured. Times are epoch ms.
 */

export interface RealStep {
  t: number;
  from: number | null;
  to: number;
  causeKind: CauseKind;
  source: string | null;
  cause: string;
}

export interface SimStep {
  t: number;
  from: number;
  to: number;
  controller: string;
  policy: string | null;
}

export interface MatchedPair {
  real: RealStep;
  simulated: SimStep;
  /** Simulated time − real time, seconds (positive: the simulation acted later). */
  offsetSeconds: number;
  sameTo: boolean;
}

export interface Matching {
  pairs: MatchedPair[];
  unmatchedReal: RealStep[];
  unmatchedSimulated: SimStep[];
}

const direction = (from: number | null, to: number) => (from === null ? 0 : Math.sign(to - from));

/**
 * Real steps (successful activities with the desired count each one left behind) in time order; `from`
 * is the previous step's `to`, or `initial` for the first.
 */
export function realSteps(acts: readonly Activity[], initial: number | null): RealStep[] {
  let prev = initial;
  return acts.map((a) => {
    const s = {
      t: a.startMs,
      from: prev,
      to: a.to,
      causeKind: a.causeKind,
      source: a.source,
      cause: a.cause,
    };
    prev = a.to;
    return s;
  });
}

export function simSteps(decisions: readonly Decision[], startMs: number): SimStep[] {
  return decisions.map((d) => ({
    t: startMs + Math.round(d.t * 1000),
    from: d.from,
    to: d.to,
    controller: d.controller,
    policy: "policy" in d && typeof d.policy === "string" ? d.policy : null,
  }));
}

/**
 * Match each real step to one simulated decision in the same direction within `windowMs`, keeping both
 * orders (a later real step never matches an earlier decision than its predecessor's): the nearest
 * candidate in time wins, one that reaches the same count breaking ties.
 */
export function matchSteps(real: readonly RealStep[], sim: readonly SimStep[], windowMs: number): Matching {
  const pairs: MatchedPair[] = [];
  const unmatchedReal: RealStep[] = [];
  const used = new Set<number>();
  let next = 0;
  for (const r of real) {
    let best = -1;
    for (let j = next; j < sim.length; j++) {
      const s = sim[j];
      if (s.t - r.t > windowMs) break;
      if (r.t - s.t > windowMs) continue;
      const dir = direction(r.from, r.to);
      if (dir !== 0 && Math.sign(s.to - s.from) !== dir) continue;
      if (best < 0) best = j;
      else {
        const d = Math.abs(s.t - r.t) - Math.abs(sim[best].t - r.t);
        if (d < 0 || (d === 0 && s.to === r.to && sim[best].to !== r.to)) best = j;
      }
    }
    if (best < 0) {
      unmatchedReal.push(r);
      continue;
    }
    used.add(best);
    next = best + 1;
    const s = sim[best];
    pairs.push({ real: r, simulated: s, offsetSeconds: (s.t - r.t) / 1000, sameTo: s.to === r.to });
  }
  return { pairs, unmatchedReal, unmatchedSimulated: sim.filter((_, j) => !used.has(j)) };
}

export interface TimelineComparison {
  /** Minutes where both sides have a value. */
  minutes: number;
  /** Minutes without a real value (gaps in the export). */
  gapMinutes: number;
  /** Σ |simulated − real| over compared minutes, task-minutes. */
  taskMinutesAbsError: number;
  /** Share of compared minutes where the two differ by less than half a task. */
  shareMinutesEqual: number;
  realTaskMinutes: number;
  simulatedTaskMinutes: number;
}

export function compareTimelines(real: ArrayLike<number>, sim: ArrayLike<number>): TimelineComparison {
  let minutes = 0;
  let gaps = 0;
  let err = 0;
  let equal = 0;
  let r = 0;
  let s = 0;
  for (let m = 0; m < sim.length; m++) {
    if (Number.isNaN(real[m]) || Number.isNaN(sim[m])) {
      gaps++;
      continue;
    }
    minutes++;
    const d = Math.abs(sim[m] - real[m]);
    err += d;
    if (d < 0.5) equal++;
    r += real[m];
    s += sim[m];
  }
  return {
    minutes,
    gapMinutes: gaps,
    taskMinutesAbsError: round(err, 3),
    shareMinutesEqual: minutes > 0 ? round(equal / minutes, 4) : 0,
    realTaskMinutes: round(r, 3),
    simulatedTaskMinutes: round(s, 3),
  };
}

/**
 * A desired-count timeline from steps: the count in force at the close of each minute (as the simulation's
 * per-minute `desired` column is), `initial` before the first step.
 */
export function stepTimeline(
  steps: readonly { t: number; to: number }[],
  initial: number,
  startMs: number,
  minutes: number,
): Float64Array {
  const out = new Float64Array(minutes);
  let k = 0;
  let v = initial;
  for (let m = 0; m < minutes; m++) {
    const close = startMs + (m + 1) * MINUTE;
    while (k < steps.length && steps[k].t < close) v = steps[k++].to;
    out[m] = v;
  }
  return out;
}

/**
 * Start-up lag of a scale-out seen in a per-minute running-count timeline (time-averaged counts, as
 * Container Insights' RunningTaskCount Average and the simulation's `running` column are): the missing
 * task-time after the decision, Σ (to − running) over the minutes until `until`, divided by the tasks
 * added — the mean time each new task took to run. The part of the decision's minute before it is not
 * counted. NaN when the timeline has a gap in the window.
 */
export function startLagSeconds(
  running: ArrayLike<number>,
  startMs: number,
  step: { t: number; from: number; to: number },
  untilMs: number,
): number {
  const added = step.to - step.from;
  if (added <= 0) return Number.NaN;
  const m0 = Math.floor((step.t - startMs) / MINUTE);
  const m1 = Math.min(running.length, Math.ceil((untilMs - startMs) / MINUTE));
  let missing = 0;
  for (let m = m0; m < m1; m++) {
    if (m < 0 || Number.isNaN(running[m])) return Number.NaN;
    missing += Math.max(0, step.to - running[m]) * 60;
  }
  const before = ((step.t - startMs - m0 * MINUTE) / 1000) * added;
  return (missing - before) / added;
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
