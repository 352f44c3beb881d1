/**
 * Schedule expressions of Application Auto Scaling scheduled actions: `at(...)`, `rate(...)`, `cron(...)`,
 * with the action's Timezone, StartTime and EndTime.
 *   [PSA] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 *   [SS]  https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
 *   [CRON] https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 *
 * - "At and cron expressions use Universal Coordinated Time (UTC) by default"; Timezone names the zone
 *   "used when setting a scheduled action by using an at or cron expression" [PSA]. So at() is a wall-clock
 *   time in Timezone, and rate() is not affected by it. DST is adjusted automatically [SS].
 * - StartTime and EndTime are UTC instants. "If you specify a start time, Application Auto Scaling performs
 *   the action at that time, and then performs the action based on the specified recurrence"; after the
 *   end time the action stops repeating [SS][CRON].
 */

import {
  type AwsCron,
  type DstGap,
  isValidTimeZone,
  nextAwsCronFire,
  ScheduleExpressionError,
  translateAwsCron,
  zonedWallTimeToUtc,
} from "./aws-cron.js";

export { ScheduleExpressionError } from "./aws-cron.js";

export interface ScheduleOptions {
  /** IANA time zone for at() and cron(); UTC when absent [PSA]. */
  readonly timezone?: string;
  /** StartTime, epoch ms (UTC). */
  readonly startTimeMs?: number;
  /** EndTime, epoch ms (UTC). */
  readonly endTimeMs?: number;
  /**
   * Instant a rate() without StartTime counts from (e.g. the simulation start); see RATE_ANCHOR.
   * Ignored when StartTime is set.
   */
  readonly rateAnchorMs?: number;
  /** A cron time skipped by spring-forward: not fired ("skip", the default) or fired shifted (aws-cron.ts). */
  readonly dstGap?: DstGap;
}

export interface Schedule {
  readonly kind: "at" | "rate" | "cron";
  /** The expression as written. */
  readonly expression: string;
  /** Next firing time strictly after `afterMs` (epoch ms), or null when the action never fires again. */
  nextFire(afterMs: number): number | null;
}

/**
 * Assumption `schedule.rateAnchor` (not documented): a rate() schedule fires at StartTime and every
 * period after it; without StartTime it fires every period after `rateAnchorMs` (the caller passes the
 * simulation start), or after DEFAULT_RATE_ANCHOR_MS when that is absent too.
 */
export const RATE_ANCHOR = "startTime, else rateAnchorMs + period, else epoch-aligned" as const;
/** Default anchor of a rate() without StartTime or rateAnchorMs: the Unix epoch (UTC-aligned periods). */
export const DEFAULT_RATE_ANCHOR_MS = 0;

/**
 * Assumption (not documented): StartTime and EndTime bound only recurring schedules [SS]; a one-time at()
 * fires at its time whatever they say.
 */
export const AT_IGNORES_START_AND_END = true;

/** Assumption: EndTime is inclusive (an occurrence exactly at EndTime still fires). */
export const END_TIME_INCLUSIVE = true;

const RATE_UNIT_MS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parse a schedule expression; throws ScheduleExpressionError with a message naming what is wrong. */
export function parseSchedule(expr: string, opts: ScheduleOptions = {}): Schedule {
  const expression = expr.trim();
  const tz = opts.timezone ?? "UTC";
  if (!isValidTimeZone(tz)) {
    throw new ScheduleExpressionError(
      `unknown time zone "${tz}" (expected an IANA name such as Europe/Berlin)`,
    );
  }
  const start = opts.startTimeMs;
  const end = opts.endTimeMs;
  for (const [name, v] of [
    ["StartTime", start],
    ["EndTime", end],
    ["rate anchor", opts.rateAnchorMs],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v))
      throw new ScheduleExpressionError(`${name} must be a finite time`);
  }
  if (start !== undefined && end !== undefined && end < start) {
    throw new ScheduleExpressionError("EndTime is before StartTime");
  }
  const m = /^(at|rate|cron)\((.*)\)$/s.exec(expression);
  if (!m) {
    throw new ScheduleExpressionError(
      `invalid schedule "${expression}": expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)`,
    );
  }
  const body = m[2].trim();
  switch (m[1]) {
    case "at":
      return atSchedule(expression, body, tz);
    case "rate":
      return rateSchedule(expression, body, opts);
    default:
      return cronSchedule(expression, translateAwsCron(body), tz, start, end, opts.dstGap ?? "skip");
  }
}

function atSchedule(expression: string, body: string, tz: string): Schedule {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m)
    throw new ScheduleExpressionError(
      `invalid at() expression "${expression}": expected at(yyyy-mm-ddThh:mm:ss)`,
    );
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo - 1 ||
    probe.getUTCDate() !== d ||
    probe.getUTCHours() !== h ||
    probe.getUTCMinutes() !== mi ||
    probe.getUTCSeconds() !== s
  ) {
    throw new ScheduleExpressionError(
      `invalid at() expression "${expression}": ${body} is not a valid date and time`,
    );
  }
  const when = zonedWallTimeToUtc(y, mo, d, h, mi, s, tz);
  return { kind: "at", expression, nextFire: (after) => (when > after ? when : null) };
}

function rateSchedule(expression: string, body: string, opts: ScheduleOptions): Schedule {
  const m = /^(\d+)\s+([a-z]+)$/.exec(body);
  if (!m) {
    throw new ScheduleExpressionError(
      `invalid rate() expression "${expression}": expected rate(value unit), e.g. rate(5 minutes)`,
    );
  }
  const value = Number(m[1]);
  const unitMs = RATE_UNIT_MS[m[2]];
  if (unitMs === undefined) {
    throw new ScheduleExpressionError(
      `invalid rate() expression "${expression}": unit "${m[2]}" is not one of minute, minutes, hour, hours, day, days`,
    );
  }
  if (value < 1) {
    throw new ScheduleExpressionError(
      `invalid rate() expression "${expression}": value must be a positive integer`,
    );
  }
  const period = value * unitMs;
  const start = opts.startTimeMs;
  const end = opts.endTimeMs;
  // Fires at anchor + k × period for k >= first.
  const anchor = start ?? opts.rateAnchorMs ?? DEFAULT_RATE_ANCHOR_MS;
  const first = start !== undefined ? 0 : 1;
  const anchored = start !== undefined || opts.rateAnchorMs !== undefined;
  return {
    kind: "rate",
    expression,
    nextFire(after) {
      let k = Math.floor((after - anchor) / period) + 1;
      if (anchored && k < first) k = first;
      const t = anchor + k * period;
      return end !== undefined && t > end ? null : t;
    },
  };
}

function cronSchedule(
  expression: string,
  cron: AwsCron,
  tz: string,
  start: number | undefined,
  end: number | undefined,
  dstGap: DstGap,
): Schedule {
  return {
    kind: "cron",
    expression,
    nextFire(after) {
      // StartTime itself fires, then the recurrence from StartTime on [SS].
      const fromStart = start !== undefined && start > after ? start : null;
      const from = start !== undefined ? Math.max(after, start) : after;
      const c = nextAwsCronFire(cron, from, tz, dstGap);
      const t = fromStart !== null && (c === null || fromStart < c) ? fromStart : c;
      if (t === null || (end !== undefined && t > end)) return null;
      return t;
    },
  };
}
