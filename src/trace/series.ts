/**
 * The traffic series every input produces, and the timestamp parsing shared by the readers.
 *
 * A series is a sequence of equal intervals: `counts[i]` requests arrive in
 * `[startMs + i*stepMs, startMs + (i+1)*stepMs)`. Times are UTC epoch milliseconds.
 */
export interface RateSeries {
  /** Epoch ms of the first interval's start (UTC). */
  startMs: number;
  /** Interval length in ms (e.g. 60000). */
  stepMs: number;
  /** Requests arriving in each interval (may be fractional after a multiplier). */
  counts: Float64Array;
  /** Per-request traces only: sorted arrival times in ms relative to startMs. */
  requestTimesMs?: Float64Array;
  /** Per-request traces only: service time of each request in ms, aligned with requestTimesMs. */
  requestServiceMs?: Float64Array;
  /** Human description (file name, shape). */
  source: string;
  /** Remarks on how the input was read: assumed time zone, filled gaps, sorting. */
  notes?: string[];
}

/** How a bare epoch number is read: seconds or milliseconds since 1970-01-01T00:00:00Z. */
export type EpochUnit = "s" | "ms";

/**
 * Assumption: a bare epoch number at or above this magnitude is milliseconds, below it seconds.
 * 1e11 s is the year 5138 while 1e11 ms is 1973-03-03, so real traces are never ambiguous.
 * Override per file with the `epochUnit` option.
 */
export const EPOCH_MS_THRESHOLD = 1e11;

/** Note attached to series whose timestamps carried no zone designator. */
export const ZONELESS_NOTE = "timestamps carry no time zone; read as UTC";

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parse an ISO 8601 date-time into epoch ms, or NaN when the text is not one.
 * Accepts `YYYY-MM-DD`, then optionally `T`, `t` or a space and `HH:MM[:SS[.fraction]]`, then optionally
 * `Z` or an offset `±HH:MM`, `±HHMM`, `±HH`. Without a zone the time is UTC.
 * Hand-written rather than `Date.parse` because `Date.parse` reads zone-less date-times as local time
 * (ECMA-262 §21.4.3.2) and is several times slower on million-row traces.
 */
export function parseIsoMs(text: string): number {
  let s = text;
  if (s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32)) s = s.trim();
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return Number.NaN;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) {
    return Number.NaN;
  }
  let hour = 0;
  let minute = 0;
  let second = 0;
  let fracMs = 0;
  let i = 10;
  if (i < len) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 116 && sep !== 32) return Number.NaN; // T, t, space
    if (i + 6 > len || s.charCodeAt(i + 3) !== 58) return Number.NaN;
    hour = digits(s, i + 1, 2);
    minute = digits(s, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
    i += 6;
    if (i < len && s.charCodeAt(i) === 58) {
      second = digits(s, i + 1, 2);
      if (i + 3 > len || second < 0 || second > 59) return Number.NaN;
      i += 3;
      if (i < len && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        // Fraction of a second: `.` or `,` (ISO 8601 allows both), any number of digits.
        let scale = 100;
        let j = i + 1;
        for (; j < len; j++) {
          const c = s.charCodeAt(j) - 48;
          if (c < 0 || c > 9) break;
          fracMs += c * scale;
          scale /= 10;
        }
        if (j === i + 1) return Number.NaN;
        i = j;
      }
    }
  }
  let offsetMin = 0;
  if (i < len) {
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i + 1 === len) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = digits(s, i + 1, 2);
      let om = 0;
      const rest = len - (i + 3);
      if (rest === 3 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
      else if (rest === 2) om = digits(s, i + 3, 2);
      else if (rest !== 0) return Number.NaN;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
      offsetMin = (z === 43 ? 1 : -1) * (oh * 60 + om);
      i = len;
    } else {
      return Number.NaN;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) + fracMs - offsetMin * 60000;
}

/** True when an ISO 8601 text names its zone (`Z` or an offset after the time). */
export function isoHasZone(text: string): boolean {
  return /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)\s*$/.test(text) && text.trim().length > 10;
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Whether a timestamp cell holds a bare epoch number rather than an ISO date-time. */
export function isEpochNumber(text: string): boolean {
  return NUMERIC.test(text);
}

/** Epoch ms of a bare epoch number in the given unit (NaN if the text is not a number). */
export function epochToMs(text: string, unit: EpochUnit): number {
  if (text.length === 0) return Number.NaN;
  const v = Number(text);
  return unit === "ms" ? v : v * 1000;
}

/** The unit of a bare epoch value by magnitude (see EPOCH_MS_THRESHOLD). */
export function guessEpochUnit(value: number): EpochUnit {
  return Math.abs(value) >= EPOCH_MS_THRESHOLD ? "ms" : "s";
}

/** ISO 8601 UTC rendering used in messages. */
export function isoUtc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** Human rendering of a duration in messages (`60 s`, `250 ms`). */
export function formatStep(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A Float64Array that grows by doubling: readers append without knowing the row count. */
export class GrowableFloat64 {
  data: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(1, initialCapacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** The filled part, copied into an exactly sized array (the buffer may be reused afterwards). */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Largest request count one interval may hold (10^15): far beyond any real service (10^12 requests a
 * minute is accepted), small enough that sums and products downstream stay finite and exact enough.
 */
export const MAX_INTERVAL_COUNT = 1e15;

/** Largest number of intervals a series may have (10^8, 800 MB of counts); more is a mistake of units. */
export const MAX_INTERVALS = 1e8;
