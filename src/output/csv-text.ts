/**
 * `series.csv` as bytes: 87,871 rows × 18 columns for a 62-day run, written digit by digit into one
 * growing byte array instead of a Date, a number-to-string conversion, an array and a join per row or
 * cell. Each writer produces exactly the text of the plain expression in its comment;
 * test/output/csv-text.test.ts checks them against it.
 */
import { r } from "../analysis/summary.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Date's range (ECMAScript time values): ±8.64e15 ms. */
const MAX_TIME_MS = 8.64e15;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** "HH:MM" of each minute of a day. */
let clockTable: string[] | undefined;
function clock(): string[] {
  if (!clockTable) {
    clockTable = [];
    for (let i = 0; i < 1440; i++) clockTable.push(`${pad(Math.floor(i / 60), 2)}:${pad(i % 60, 2)}`);
  }
  return clockTable;
}

/**
 * `new Date(startMs + m * 60_000).toISOString()` for m = 0, 1, 2…: the day's "YYYY-MM-DDT" is
 * formatted once per day, the minute's "HH:MM" comes from a table, and the seconds and milliseconds
 * are the start's for every row.
 */
export function minuteTimes(startMs: number, minutes: number): (m: number) => string {
  const last = startMs + Math.max(0, minutes - 1) * MINUTE_MS;
  if (!Number.isInteger(startMs) || Math.abs(startMs) > MAX_TIME_MS || Math.abs(last) > MAX_TIME_MS)
    return (m) => new Date(startMs + m * MINUTE_MS).toISOString();
  const table = clock();
  const minuteOfDay0 = Math.floor(startMs / MINUTE_MS) - Math.floor(startMs / DAY_MS) * 1440;
  const inMinute = startMs - Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
  const suffix = `:${pad(Math.floor(inMinute / 1000), 2)}.${pad(inMinute % 1000, 3)}Z`;
  let day = Number.NaN;
  let prefix = "";
  return (m) => {
    const d = Math.floor((startMs + m * MINUTE_MS) / DAY_MS);
    if (d !== day) {
      day = d;
      const iso = new Date(d * DAY_MS).toISOString();
      prefix = iso.slice(0, iso.indexOf("T") + 1);
    }
    return prefix + table[(minuteOfDay0 + m) % 1440] + suffix;
  };
}

/** Text of ASCII characters (code units below 128) built in a byte array. */
export class AsciiText {
  private bytes: Uint8Array;
  private n = 0;

  /** `expected`: the text's likely length, to allocate once. */
  constructor(expected = 1 << 16) {
    this.bytes = new Uint8Array(Math.max(16, expected));
  }

  private room(k: number): Uint8Array {
    if (this.n + k > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.n + k));
      grown.set(this.bytes.subarray(0, this.n));
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** A string whose code units are all below 128 (see `isAscii`). */
  str(s: string): void {
    const b = this.room(s.length);
    let n = this.n;
    for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i);
    this.n = n;
  }

  char(code: number): void {
    this.room(1)[this.n++] = code;
  }

  /** `String(x)` of an integer 0 ≤ x < 2^31. */
  smallUint(x: number): void {
    const b = this.room(10);
    let n = this.n;
    let d = 1;
    while (d <= x / 10) d *= 10;
    for (; d >= 1; d = (d / 10) | 0) {
      const q = (x / d) | 0;
      b[n++] = 48 + q;
      x -= q * d;
    }
    this.n = n;
  }

  /** `Number.isNaN(v) ? "" : String(r(v, 6))`: v rounded to 6 decimals, as JavaScript prints it. */
  round6(v: number): void {
    if (Number.isNaN(v)) return;
    const k = Math.round(v * 1e6);
    // Below 10^15 (at most 15 significant digits) the shortest decimal that reads back as k / 10^6 is k's
    // digits with the point put back: no other decimal of at most 15 digits rounds to the same double.
    // Beyond, and for ±Infinity, JavaScript's own conversion.
    if (!(k < 1e15 && k > -1e15)) {
      this.str(String(r(v, 6)));
      return;
    }
    if (k === 0) {
      this.char(48);
      return;
    }
    let a = k;
    if (k < 0) {
      this.char(45);
      a = -k;
    }
    let frac = a % 1e6;
    this.smallUint((a - frac) / 1e6);
    if (frac === 0) return;
    const b = this.room(7);
    let n = this.n;
    b[n++] = 46;
    for (let d = 100_000; frac > 0; d = (d / 10) | 0) {
      const q = (frac / d) | 0;
      b[n++] = 48 + q;
      frac -= q * d;
    }
    this.n = n;
  }

  text(): string {
    return Buffer.from(this.bytes.buffer, 0, this.n).toString("latin1");
  }
}

/** Whether every code unit of `s` is below 128 (`AsciiText.str` writes it unchanged). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
