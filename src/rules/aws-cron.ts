/**
 * The cron dialect of Application Auto Scaling scheduled actions, evaluated with cron-parser.
 *
 * AWS fields: Minutes Hours Day-of-month Month Day-of-week Year, with an optional leading Seconds field
 * (seven fields; "doesn't guarantee that the scheduled action will run on the precise second").
 * Day-of-week is 1-7 = SUN-SAT, so `30 6 ? * 2 *` is Monday 06:30 (the guide's own example is
 * `30 6 ? * MON *`).
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 * Wildcards (`, - * / ? L W #`) follow the cron expressions reference the guide points to:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 *
 * cron-parser 5 reads a six-field string seconds-first and numbers day-of-week 0-6 (SUN = 0), has no year
 * field and no `W`. So the translation prefixes the seconds, shifts day-of-week down by one, and the year
 * filter and `W` (nearest weekday) are implemented here on top of it.
 */

import { CronExpressionParser } from "cron-parser";

/** An invalid schedule expression; the scenario layer adds file:line:col. */
export class ScheduleExpressionError extends Error {
  override readonly name = "ScheduleExpressionError";
}

/** One item of the Year field: from..to every `step` years. */
export interface YearRange {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

export interface AwsCron {
  /** The fields as written (inside `cron(...)`). */
  readonly source: string;
  /**
   * Six-field, seconds-first string for cron-parser. With `W` its day-of-month is `*`; the day is chosen
   * per month by nextAwsCronFire.
   */
  readonly parserExpression: string;
  /** Allowed years, or null for any year. */
  readonly years: ReadonlyArray<YearRange> | null;
  /** `nW` (weekday nearest day n) or `LW` (last weekday) in Day-of-month, else null. */
  readonly nearestWeekday: number | "L" | null;
  /** Months the Month field allows (1-12), used with `W`. */
  readonly months: ReadonlyArray<number>;
}

/** Year range of the dialect (cron expressions reference). */
export const AWS_CRON_MIN_YEAR = 1970;
export const AWS_CRON_MAX_YEAR = 2199;

const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const PLAIN = /^[0-9,\-*/]+$/;

function fail(source: string, message: string): never {
  throw new ScheduleExpressionError(`invalid cron expression "${source}": ${message}`);
}

/** Translate the fields of an AWS `cron(...)` expression; throws ScheduleExpressionError. */
export function translateAwsCron(fields: string): AwsCron {
  const source = fields.trim();
  const parts = source.split(/\s+/);
  if (parts.length !== 6 && parts.length !== 7) {
    fail(
      source,
      `expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year) or 7 with leading Seconds, got ${parts.length}`,
    );
  }
  const [sec, min, hour, dom, mon, dow, year] = parts.length === 7 ? parts : ["0", ...parts];
  for (const [name, v] of [
    ["Seconds", sec],
    ["Minutes", min],
    ["Hours", hour],
  ] as const) {
    if (!PLAIN.test(v)) fail(source, `${name} field "${v}" may only use digits and , - * /`);
  }
  checkDayFields(source, dom, dow);
  const { expr: domExpr, nearestWeekday } = translateDayOfMonth(source, dom);
  const monExpr = translateMonth(source, mon);
  const dowExpr = translateDayOfWeek(source, dow);
  const years = translateYear(source, year);
  const parserExpression = `${sec} ${min} ${hour} ${domExpr} ${monExpr} ${dowExpr}`;
  let months: number[];
  try {
    const parsed = CronExpressionParser.parse(parserExpression, { tz: "UTC", currentDate: 0 });
    months = [...parsed.fields.month.values] as number[];
  } catch (e) {
    fail(source, (e as Error).message);
  }
  return { source, parserExpression, years, nearestWeekday, months };
}

/**
 * "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you specify a
 * value or a * (asterisk) in one of the fields, you must use a ? (question mark) in the other." (cron
 * expressions reference, Limitations; the `*` wildcard's own entry: "You can't use * in both the
 * Day-of-month and Day-of-week fields. If you use it in one, you must use ? in the other.")
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 * So exactly one of the two is `?`: `* *` and `1 *` are rejected as well as `1 2`. Every example of the
 * Application Auto Scaling guide follows this (`0 10 * * ? *`, `30 6 ? * MON *`); the guide's 2023 text
 * showed `30 6 * * 2 *`, which the current guide replaced with `30 6 ? * MON *`, and AWS rejects such
 * expressions ("Parameter ScheduleExpression is not valid", awsdocs/amazon-cloudwatch-events-user-guide#2).
 * `? ?` is rejected too: the rule pairs `?` with a value or `*` in the other field, and the Quartz dialect
 * the reference follows allows `?` in only one of them.
 */
function checkDayFields(source: string, dom: string, dow: string): void {
  if (dom === "?" && dow === "?") {
    fail(source, "Day-of-month and Day-of-week can't both be ?; give a value or * in one of them");
  }
  if (dom !== "?" && dow !== "?") {
    const what = dom === "*" && dow === "*" ? "* can't be used in both" : "can't both be specified";
    fail(source, `Day-of-month and Day-of-week ${what}; use ? in one of them (e.g. 0 10 * * ? *)`);
  }
}

function translateDayOfMonth(
  source: string,
  f: string,
): { expr: string; nearestWeekday: number | "L" | null } {
  if (f === "?" || f === "*") return { expr: "*", nearestWeekday: null };
  if (f === "L") return { expr: "L", nearestWeekday: null };
  if (f === "LW") return { expr: "*", nearestWeekday: "L" };
  const w = /^(\d{1,2})W$/.exec(f);
  if (w) {
    const n = Number(w[1]);
    if (n < 1 || n > 31) fail(source, `Day-of-month "${f}": day must be 1-31`);
    return { expr: "*", nearestWeekday: n };
  }
  if (f.includes("W")) fail(source, `Day-of-month "${f}": W takes a single day, as in 15W or LW`);
  if (!PLAIN.test(f)) fail(source, `Day-of-month field "${f}" may only use digits and , - * / ? L W`);
  return { expr: f, nearestWeekday: null };
}

function translateMonth(source: string, f: string): string {
  const numeric = f.toUpperCase().replace(/[A-Z]{3}/g, (name) => {
    const i = MONTH_NAMES.indexOf(name);
    if (i < 0) fail(source, `Month field "${f}": unknown month name "${name}" (JAN-DEC)`);
    return String(i + 1);
  });
  if (!PLAIN.test(numeric)) fail(source, `Month field "${f}" may only use 1-12, JAN-DEC and , - * /`);
  return numeric;
}

/** AWS day-of-week (1-7 or SUN-SAT) to cron-parser's 0-6. */
function dayNumber(source: string, field: string, token: string): number {
  const up = token.toUpperCase();
  const byName = DAY_NAMES.indexOf(up);
  if (byName >= 0) return byName;
  if (/^[1-7]$/.test(token)) return Number(token) - 1;
  fail(source, `Day-of-week "${field}": "${token}" is not 1-7 (SUN=1 ... SAT=7) or SUN-SAT`);
}

function translateDayOfWeek(source: string, f: string): string {
  if (f === "?" || f === "*") return "*";
  if (f.includes("#")) {
    // "If you use the # character, you can define only one expression in the day-of-week field."
    const m = /^([A-Za-z]{3}|\d)#([1-5])$/.exec(f);
    if (!m)
      fail(source, `Day-of-week "${f}": # takes one day and an occurrence 1-5, as in 3#2 (second Tuesday)`);
    return `${dayNumber(source, f, m[1])}#${m[2]}`;
  }
  return f
    .split(",")
    .map((item) => {
      if (item === "L") return "6"; // L alone: the last day of the week, Saturday.
      const last = /^([A-Za-z]{3}|\d)L$/.exec(item);
      if (last) return `${dayNumber(source, f, last[1])}L`;
      const range = /^([A-Za-z]{3}|\d)-([A-Za-z]{3}|\d)$/.exec(item);
      if (range) {
        const a = dayNumber(source, f, range[1]);
        const b = dayNumber(source, f, range[2]);
        if (a > b) fail(source, `Day-of-week "${f}": range ${item} runs backwards`);
        return `${a}-${b}`;
      }
      if (item.includes("/")) fail(source, `Day-of-week "${f}": / is not allowed in Day-of-week`);
      return String(dayNumber(source, f, item));
    })
    .join(",");
}

function translateYear(source: string, f: string): YearRange[] | null {
  if (f === "*" || f === "?") return null;
  const out: YearRange[] = [];
  for (const item of f.split(",")) {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!m)
      fail(
        source,
        `Year field "${f}": "${item}" is not a year, range or step (e.g. 2025, 2025-2027, 2024/2)`,
      );
    const from = m[1] === "*" ? AWS_CRON_MIN_YEAR : Number(m[1]);
    if (m[1] === "*" && m[2] !== undefined) fail(source, `Year field "${f}": "${item}" is not valid`);
    const to =
      m[2] !== undefined ? Number(m[2]) : m[3] !== undefined || m[1] === "*" ? AWS_CRON_MAX_YEAR : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    for (const y of [from, to]) {
      if (y < AWS_CRON_MIN_YEAR || y > AWS_CRON_MAX_YEAR) {
        fail(source, `Year field "${f}": ${y} is outside ${AWS_CRON_MIN_YEAR}-${AWS_CRON_MAX_YEAR}`);
      }
    }
    if (from > to) fail(source, `Year field "${f}": range ${item} runs backwards`);
    if (step < 1) fail(source, `Year field "${f}": step must be >= 1`);
    out.push({ from, to, step });
  }
  return out;
}

export function yearAllowed(years: ReadonlyArray<YearRange> | null, y: number): boolean {
  if (years === null) return true;
  for (const r of years) if (y >= r.from && y <= r.to && (y - r.from) % r.step === 0) return true;
  return false;
}

function nextAllowedYear(years: ReadonlyArray<YearRange>, from: number): number | null {
  for (let y = Math.max(from, AWS_CRON_MIN_YEAR); y <= AWS_CRON_MAX_YEAR; y++)
    if (yearAllowed(years, y)) return y;
  return null;
}

/** Upper bound on candidate searches, well above the number of years times months a schedule can span. */
const SEARCH_LIMIT = 12 * (AWS_CRON_MAX_YEAR - AWS_CRON_MIN_YEAR + 1) + 10;

/**
 * What a cron time that a spring-forward transition skips does: "skip" (no invocation that day) or "shift"
 * (cron-parser's behaviour: it fires at the shifted wall time, 02:30 -> 03:30).
 * EventBridge Scheduler documents "skip": "When the time shifts forward in Spring, your schedule invocation
 * gets skipped if the cron expression falls on a non-existent date and time. When the time shifts back in
 * the Fall, your schedule runs only once and doesn't repeat its invocation."
 *   https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 * Application Auto Scaling says only that DST is adjusted for: assumption `schedule.cronDstGap`.
 */
export type DstGap = "skip" | "shift";

/**
 * First firing time strictly after `afterMs` (epoch ms), in time zone `timeZone` (IANA name). A time
 * repeated by fall-back fires once, at its first occurrence (cron-parser); a time skipped by spring-forward
 * follows `dstGap`. Null when the expression never fires again.
 */
export function nextAwsCronFire(
  cron: AwsCron,
  afterMs: number,
  timeZone = "UTC",
  dstGap: DstGap = "skip",
): number | null {
  let t = afterMs;
  for (let guard = 0; guard < SEARCH_LIMIT; guard++) {
    const c =
      cron.nearestWeekday === null ? nextPlain(cron, t, timeZone) : nextNearestWeekday(cron, t, timeZone);
    if (c === null) return null;
    if (dstGap === "skip" && !onItsWallTime(cron, c, timeZone)) {
      t = c;
      continue;
    }
    if (cron.years === null) return c;
    const y = zonedParts(c, timeZone).year;
    if (yearAllowed(cron.years, y)) return c;
    const ny = nextAllowedYear(cron.years, y + 1);
    if (ny === null) return null;
    t = zonedWallTimeToUtc(ny, 1, 1, 0, 0, 0, timeZone) - 1;
  }
  return null;
}

const clockFields = new WeakMap<AwsCron, { hours: Set<number>; minutes: Set<number> }>();

/** Whether instant `c` shows a wall-clock hour and minute the expression names (not one shifted by DST). */
function onItsWallTime(cron: AwsCron, c: number, tz: string): boolean {
  let f = clockFields.get(cron);
  if (!f) {
    const fields = CronExpressionParser.parse(cron.parserExpression).fields;
    f = {
      hours: new Set(fields.hour.values as number[]),
      minutes: new Set(fields.minute.values as number[]),
    };
    clockFields.set(cron, f);
  }
  const p = zonedParts(c, tz);
  return f.hours.has(p.hour) && f.minutes.has(p.minute);
}

function nextPlain(cron: AwsCron, afterMs: number, tz: string): number | null {
  return nextOf(cron.parserExpression, afterMs, tz);
}

function nextOf(expr: string, afterMs: number, tz: string): number | null {
  try {
    return CronExpressionParser.parse(expr, { tz, currentDate: new Date(afterMs) })
      .next()
      .getTime();
  } catch {
    // cron-parser gives up (loop limit) when no date matches; treat that as "never fires again".
    return null;
  }
}

/**
 * `W`: the weekday (Monday-Friday) nearest the given day, without leaving the month (Quartz semantics,
 * which the AWS reference follows: "3W specifies the weekday closest to the third day of the month").
 * Assumption: a month without day n (31W in April) does not fire.
 */
export function nearestWeekdayOfMonth(year: number, month: number, day: number | "L"): number | null {
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const n = day === "L" ? dim : day;
  if (n > dim) return null;
  const dow = new Date(Date.UTC(year, month - 1, n)).getUTCDay();
  if (dow === 6) return n === 1 ? 3 : n - 1; // Saturday: Friday before, or Monday 3rd when n is the 1st
  if (dow === 0) return n === dim ? n - 2 : n + 1; // Sunday: Monday after, or Friday when n is the last day
  return n;
}

function nextNearestWeekday(cron: AwsCron, afterMs: number, tz: string): number | null {
  const [sec, min, hour] = cron.parserExpression.split(" ");
  const start = zonedParts(afterMs, tz);
  let y = start.year;
  let m = start.month;
  for (let k = 0; k < SEARCH_LIMIT && y <= AWS_CRON_MAX_YEAR; k++) {
    if (cron.months.includes(m)) {
      const d = nearestWeekdayOfMonth(y, m, cron.nearestWeekday ?? 1);
      if (d !== null) {
        const c = nextOf(`${sec} ${min} ${hour} ${d} ${m} *`, afterMs, tz);
        if (c !== null) {
          const p = zonedParts(c, tz);
          if (p.year === y && p.month === m) return c;
        }
      }
    }
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Time-zone arithmetic (Intl; no state beyond a cache of formatters)
// ---------------------------------------------------------------------------------------------------------

export interface ZonedParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is a time-zone name this runtime knows (IANA names such as Etc/GMT+9 or Europe/Berlin). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of instant `ms` in time zone `tz`. */
export function zonedParts(ms: number, tz: string): ZonedParts {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const p of formatter(tz).formatToParts(ms)) {
    switch (p.type) {
      case "year":
        year = Number(p.value);
        break;
      case "month":
        month = Number(p.value);
        break;
      case "day":
        day = Number(p.value);
        break;
      case "hour":
        hour = Number(p.value);
        break;
      case "minute":
        minute = Number(p.value);
        break;
      case "second":
        second = Number(p.value);
        break;
    }
  }
  return { year, month, day, hour, minute, second };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = zonedParts(whole, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

const DAY_MS = 86_400_000;

/**
 * Instant of a wall-clock time in `tz`. A time repeated by a fall-back transition resolves to its first
 * occurrence; a time skipped by spring-forward is shifted forward by the gap (02:30 -> 03:30), matching
 * what cron-parser does for cron schedules. Assumption: AWS does not document either case.
 */
export function zonedWallTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  tz: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const before = zoneOffsetMs(wall - DAY_MS, tz);
  const after = zoneOffsetMs(wall + DAY_MS, tz);
  const c1 = wall - before;
  const c2 = wall - after;
  const ok1 = zoneOffsetMs(c1, tz) === before;
  const ok2 = zoneOffsetMs(c2, tz) === after;
  if (ok1 && ok2) return Math.min(c1, c2);
  if (ok1) return c1;
  if (ok2) return c2;
  return wall - before; // in the gap: keep the offset in force before the transition
}
