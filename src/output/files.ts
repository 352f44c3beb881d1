import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileSystemError } from "../errors.js";
import type { SimulationResult } from "../simulate.js";
import { MINUTE_COLUMNS } from "../models/traffic/minute-series.js";
import { r, type Summary } from "../analysis/summary.js";
import { AsciiText, isAscii, minuteTimes } from "./csv-text.js";

/** `series.csv`: one row per simulated minute and platform. */
export function seriesCsv(res: SimulationResult): string {
  const header = ["time", "minute", "platform", ...MINUTE_COLUMNS].join(",");
  // Platform names are ASCII by the scenario schema; any other falls back to the plain rows.
  if (!res.platforms.every((p) => isAscii(p.name))) return plainSeriesCsv(res, header);
  // A row is about 32 bytes of time, minute and platform and 8 a cell: allocated once, not doubled.
  let rows = 0;
  for (const p of res.platforms) rows += p.minutes.minutes;
  const out = new AsciiText(header.length + 1 + rows * (32 + 8 * MINUTE_COLUMNS.length));
  out.str(header);
  out.char(10);
  for (const p of res.platforms) {
    const cols = MINUTE_COLUMNS.map((c) => p.minutes.columns[c]);
    const time = minuteTimes(res.startMs, p.minutes.minutes);
    const platform = `,${p.name}`;
    for (let m = 0; m < p.minutes.minutes; m++) {
      out.str(time(m));
      out.char(44);
      out.smallUint(m);
      out.str(platform);
      for (let c = 0; c < cols.length; c++) {
        out.char(44);
        out.round6(cols[c][m]);
      }
      out.char(10);
    }
  }
  return out.text();
}

function plainSeriesCsv(res: SimulationResult, header: string): string {
  const lines = [header];
  for (const p of res.platforms) {
    const cols = MINUTE_COLUMNS.map((c) => p.minutes.columns[c]);
    for (let m = 0; m < p.minutes.minutes; m++) {
      const row: (string | number)[] = [new Date(res.startMs + m * 60_000).toISOString(), m, p.name];
      for (const col of cols) {
        const v = col[m];
        row.push(Number.isNaN(v) ? "" : r(v, 6));
      }
      lines.push(row.join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `decisions.jsonl`: one scaling decision per line, in time order. */
export function decisionsJsonl(res: SimulationResult): string {
  const all = res.platforms.flatMap((p) => p.decisions);
  all.sort((a, b) => a.t - b.t);
  return all.map((d) => JSON.stringify(d)).join("\n") + (all.length ? "\n" : "");
}

export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/**
 * Write files into `dir` atomically: everything goes to a temporary sibling folder first, then each file
 * is renamed into place, so a failure never leaves a half-written output.
 */
export function writeOutputs(dir: string, files: Record<string, string>): void {
  const tmp = join(dir, `.tmp-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeText(join(tmp, name), content);
    for (const name of Object.keys(files)) renameSync(join(tmp, name), join(dir, name));
  } catch (e) {
    // A full disk or an unwritable folder is the machine's state, not a bug: one line, exit 2.
    throw fileSystemError(e, dir, "--out") ?? e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Text above this many UTF-16 units is written in pieces of this size, through one reused buffer. */
const WRITE_CHUNK = 1 << 18;
let scratch: Buffer | undefined;

/**
 * Write `text` as UTF-8. A long text (series.csv of a 62-day run is 12.5 MB) goes in pieces of 256 Ki
 * code units encoded into one reused 1-MiB buffer (3 bytes per unit at most): one write of the whole
 * string first encodes it into a buffer as large, whose fresh pages cost more than the writing. A
 * piece never ends between the two halves of a surrogate pair, so the bytes are the whole string's.
 */
export function writeText(file: string, text: string): void {
  if (text.length <= WRITE_CHUNK) {
    writeFileSync(file, text);
    return;
  }
  scratch ??= Buffer.allocUnsafeSlow(3 * WRITE_CHUNK);
  const buf = scratch;
  const fd = openSync(file, "w");
  try {
    for (let i = 0; i < text.length; ) {
      let end = Math.min(text.length, i + WRITE_CHUNK);
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
      const n = buf.write(text.slice(i, end), 0, "utf8");
      for (let off = 0; off < n; ) off += writeSync(fd, buf, off, n - off);
      i = end;
    }
  } finally {
    closeSync(fd);
  }
}
