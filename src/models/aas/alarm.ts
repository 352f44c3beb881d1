/**
 * CloudWatch metric alarm evaluation: the pure step that turns the most recent datapoints (one per period)
 * into an alarm state. The controller that owns the alarm calls it once per period with the latest window.
 *
 * Source for every rule below (one page, two copies):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 *   sections "Evaluating an alarm", "How alarm state is evaluated when data is missing" and
 *   "Avoiding premature transitions to alarm state".
 */

import type { AlarmConfig, AlarmState } from "../../rules/alarm-config.js";

export type {
  AlarmConfig,
  AlarmConfigIssue,
  AlarmState,
  ComparisonOperator,
  TreatMissingData,
} from "../../rules/alarm-config.js";
export { validateAlarmConfig } from "../../rules/alarm-config.js";

/** A new alarm starts in INSUFFICIENT_DATA and is then evaluated.
 *  https://docs.aws.amazon.com/AmazonCloudWatch/latest/cli/cli-mon-put-metric-alarm.html */
export const INITIAL_ALARM_STATE: AlarmState = "INSUFFICIENT_DATA";

/**
 * Assumption (not documented): how many periods beyond EvaluationPeriods CloudWatch retrieves. The guide
 * says the number "depends on the length of the alarm period and whether it is based on a metric with
 * standard resolution or high resolution"; its only worked examples use a range of 5 for 3 evaluation
 * periods, so the range is N + 2 for every alarm unless `evaluationRange` overrides it.
 */
export const ALARM_EVALUATION_RANGE_EXTRA_PERIODS = 2;

/** Number of most recent periods the alarm looks at. */
export function evaluationRangeSize(cfg: AlarmConfig): number {
  return cfg.evaluationRange ?? cfg.evaluationPeriods + ALARM_EVALUATION_RANGE_EXTRA_PERIODS;
}

/** Whether one datapoint breaches the alarm's threshold under its comparison operator. */
export function isBreaching(
  cfg: Pick<AlarmConfig, "threshold" | "comparisonOperator">,
  value: number,
): boolean {
  switch (cfg.comparisonOperator) {
    case "GreaterThanThreshold":
      return value > cfg.threshold;
    case "GreaterThanOrEqualToThreshold":
      return value >= cfg.threshold;
    case "LessThanThreshold":
      return value < cfg.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= cfg.threshold;
  }
}

/** A datapoint is missing when it is null; NaN (e.g. 0/0 utilisation of zero tasks) counts as missing too. */
function isMissing(v: number | null): v is null {
  return v === null || Number.isNaN(v);
}

export interface AlarmEvaluation {
  readonly state: AlarmState;
  /** Short explanation, for the decision log. */
  readonly reason: string;
}

/**
 * Evaluate the alarm on `recent` (oldest..newest, one value per period, null = missing). Only the last
 * evaluationRangeSize(cfg) entries are read; fewer entries count as missing periods before the first one.
 * Returns the new state; `previous` is kept where the documented result is "retain current state".
 * Allocation-free.
 */
export function evaluateAlarm(
  cfg: AlarmConfig,
  recent: ReadonlyArray<number | null>,
  previous: AlarmState,
): AlarmState {
  const s = scan(cfg, recent);
  return stateOf(decide(cfg, s), previous);
}

/** As evaluateAlarm, with a short reason for the decision log. */
export function explainAlarm(
  cfg: AlarmConfig,
  recent: ReadonlyArray<number | null>,
  previous: AlarmState,
): AlarmEvaluation {
  const s = scan(cfg, recent);
  const c = decide(cfg, s);
  return { state: stateOf(c, previous), reason: reasonOf(c, cfg, s) };
}

/** Counts over the evaluation range. One record is reused by every call (nothing survives a call). */
interface Scan {
  range: number;
  real: number;
  /** Breaching among the N most recent real datapoints. */
  breachingInNewestN: number;
  realBreaching: number;
  anyRealNotBreaching: boolean;
  /** Periods back of the oldest breaching real datapoint; 0 = newest period, -1 = none. */
  oldestBreachingAge: number;
}
const scratch: Scan = {
  range: 0,
  real: 0,
  breachingInNewestN: 0,
  realBreaching: 0,
  anyRealNotBreaching: false,
  oldestBreachingAge: -1,
};

function scan(cfg: AlarmConfig, recent: ReadonlyArray<number | null>): Scan {
  const s = scratch;
  const n = cfg.evaluationPeriods;
  s.range = Math.min(recent.length, evaluationRangeSize(cfg));
  s.real = 0;
  s.breachingInNewestN = 0;
  s.realBreaching = 0;
  s.anyRealNotBreaching = false;
  s.oldestBreachingAge = -1;
  const last = recent.length - 1;
  for (let age = 0; age < s.range; age++) {
    const v = recent[last - age];
    if (isMissing(v)) continue;
    s.real++;
    if (isBreaching(cfg, v)) {
      s.realBreaching++;
      s.oldestBreachingAge = age;
      if (s.real <= n) s.breachingInNewestN++;
    } else {
      s.anyRealNotBreaching = true;
    }
  }
  return s;
}

/** The documented cases; each maps to one state (or "keep the previous state"). */
enum Case {
  EnoughRealAlarm,
  EnoughRealOk,
  FilledBreachingAlarm,
  FilledBreachingOk,
  FilledNotBreachingAlarm,
  FilledNotBreachingOk,
  NoDataInsufficient,
  NoDataKeep,
  RealBreachingAlarm,
  PrematureAlarm,
  PrematureKeep,
  TooRecentInsufficient,
  TooRecentKeep,
  RealOk,
}

function decide(cfg: AlarmConfig, s: Scan): Case {
  const n = cfg.evaluationPeriods;
  const m = cfg.datapointsToAlarm ?? n;
  const treat = cfg.treatMissingData ?? "missing";

  // Enough real datapoints in the range: evaluate the N most recent ones; the missing-data setting is
  // "not needed and is ignored" (rows "0 - X - X", "0 X X - X", "0 0 X 0 X").
  if (s.real >= n) return s.breachingInNewestN >= m ? Case.EnoughRealAlarm : Case.EnoughRealOk;

  // Fewer real datapoints than N: fill the gaps with the setting, keeping every real datapoint of the
  // range and filling "as few times as possible" (rows "0 - - - -", "- - - - 0").
  const fill = n - s.real;
  if (treat === "breaching")
    return s.realBreaching + fill >= m ? Case.FilledBreachingAlarm : Case.FilledBreachingOk;
  if (treat === "notBreaching")
    return s.realBreaching >= m ? Case.FilledNotBreachingAlarm : Case.FilledNotBreachingOk;

  // missing / ignore.
  const keep = treat === "ignore";
  // Row "- - - - -": missing -> INSUFFICIENT_DATA, ignore -> retain current state.
  if (s.real === 0) return keep ? Case.NoDataKeep : Case.NoDataInsufficient;
  if (s.realBreaching >= m) return Case.RealBreachingAlarm;
  if (!s.anyRealNotBreaching) {
    // Every real datapoint breaches but there are fewer than M. "Avoiding premature transitions to alarm
    // state": ALARM when the oldest breaching datapoint is at least M periods old and all more recent ones
    // are breaching or missing (rows "- - X - -" for 3 of 3, "- - - X -" for 2 of 3); ignore keeps the state.
    if (s.oldestBreachingAge + 1 >= m) return keep ? Case.PrematureKeep : Case.PrematureAlarm;
    // Too recent to decide (rows "- - - - X" of the earlier edition of the page).
    return keep ? Case.TooRecentKeep : Case.TooRecentInsufficient;
  }
  // A real datapoint does not breach and fewer than M breach (rows "0 - - - -", "0 - X - -", "- - - - 0").
  return Case.RealOk;
}

function stateOf(c: Case, previous: AlarmState): AlarmState {
  switch (c) {
    case Case.EnoughRealAlarm:
    case Case.FilledBreachingAlarm:
    case Case.FilledNotBreachingAlarm:
    case Case.RealBreachingAlarm:
    case Case.PrematureAlarm:
      return "ALARM";
    case Case.EnoughRealOk:
    case Case.FilledBreachingOk:
    case Case.FilledNotBreachingOk:
    case Case.RealOk:
      return "OK";
    case Case.NoDataInsufficient:
    case Case.TooRecentInsufficient:
      return "INSUFFICIENT_DATA";
    case Case.NoDataKeep:
    case Case.PrematureKeep:
    case Case.TooRecentKeep:
      return previous;
  }
}

function reasonOf(c: Case, cfg: AlarmConfig, s: Scan): string {
  const n = cfg.evaluationPeriods;
  const m = cfg.datapointsToAlarm ?? n;
  const fill = n - s.real;
  switch (c) {
    case Case.EnoughRealAlarm:
    case Case.EnoughRealOk:
      return `${s.breachingInNewestN} of the ${n} most recent datapoints breach (${m} needed)`;
    case Case.FilledBreachingAlarm:
    case Case.FilledBreachingOk:
      return `${s.realBreaching} of ${s.real} real datapoints breach + ${fill} missing treated as breaching (${m} needed)`;
    case Case.FilledNotBreachingAlarm:
    case Case.FilledNotBreachingOk:
      return `${s.realBreaching} of ${s.real} real datapoints breach; ${fill} missing treated as not breaching (${m} needed)`;
    case Case.NoDataInsufficient:
      return `no datapoints in the last ${s.range} periods`;
    case Case.NoDataKeep:
      return `no datapoints in the last ${s.range} periods; state kept (treat missing data: ignore)`;
    case Case.RealBreachingAlarm:
      return `${s.realBreaching} real datapoints breach (${m} needed)`;
    case Case.PrematureAlarm:
      return `only breaching datapoints, the oldest ${s.oldestBreachingAge + 1} periods back (>= ${m})`;
    case Case.PrematureKeep:
      return `only breaching datapoints, the oldest ${s.oldestBreachingAge + 1} periods back; state kept (ignore)`;
    case Case.TooRecentInsufficient:
      return `${s.realBreaching} breaching datapoints, too recent to decide`;
    case Case.TooRecentKeep:
      return `${s.realBreaching} breaching datapoints, too recent to decide; state kept (ignore)`;
    case Case.RealOk:
      return `${s.realBreaching} of ${s.real} real datapoints breach (${m} needed)`;
  }
}
