/**
 * Counts-per-interval CSV traces (e.g. WorldCup98 `timestamp,count`, one row per minute), streamed:
 * csv-parse emits each row as an array of strings and the counts go straight into a growing
 * Float64Array, so a million-row trace never exists as a million JS objects.
 *
 * Line numbers: the hot loop only counts records; when a row is rejected the file is parsed a second
 * time with csv-parse's `info` and `raw` options (twice as slow, so only on that error path) to report
 * the exact line and column even with blank lines or quoted multi-line fields.
 */
import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "csv-parse";
import { InputError } from "../errors.js";
import {
  type EpochUnit,
  GrowableFloat64,
  MAX_INTERVAL_COUNT,
  ZONELESS_NOTE,
  epochToMs,
  formatStep,
  guessEpochUnit,
  isEpochNumber,
  isoHasZone,
  isoUtc,
  parseIsoMs,
  type RateSeries,
} from "./series.js";

/** What to do with a missing interval: reject the trace, or count zero requests in it. */
export type GapPolicy = "error" | "zero";

export interface CountsCsvOptions {
  /** Header name of the timestamp column. Default `timestamp`. */
  timestampColumn?: string;
  /** Header name of the count column. Default `count`. */
  valueColumn?: string;
  /** Zone of timestamps that carry none. Only UTC is supported; zoned timestamps keep their offset. */
  timezone?: "UTC";
  /** Unit of bare epoch numbers; default by magnitude (see EPOCH_MS_THRESHOLD). */
  epochUnit?: EpochUnit;
  /** Interval length in ms; default inferred from the first two timestamps. */
  stepMs?: number;
  /** Missing intervals (absent rows or empty count cells): `error` (default) or `zero`. */
  gaps?: GapPolicy;
  /**
   * With `gaps: error`, only missing intervals inside [startMs, endMs) are errors; those outside (the part
   * of the trace a window leaves out) are read as zero with a note.
   */
  strictRange?: { startMs: number; endMs: number };
  /** Scenario field that named this file (e.g. `traffic.trace`), for error messages. */
  path?: string;
  /** File name shown in messages; default the path as given. */
  displayName?: string;
}

/** A rejected row: thrown inside a row callback, turned into an InputError with line and column. */
export class RowProblem extends Error {
  constructor(
    readonly recordIndex: number,
    readonly field: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface CsvRowSource {
  /** File to read. */
  file: string;
  /** Name shown in messages. */
  displayName: string;
  /** Scenario field path for messages. */
  path?: string;
}

/** Find named columns in a header row; a missing one is an InputError listing the header's columns. */
export function lookupColumns(header: string[], wanted: string[], src: CsvRowSource): number[] {
  const names = header.map((h) => h.trim());
  return wanted.map((w) => {
    const idx = names.indexOf(w);
    if (idx < 0) {
      throw new InputError(
        `column "${w}" not found; the header has ${names.map((n) => `"${n}"`).join(", ")}`,
        { file: src.displayName, line: 1, col: 1, path: src.path },
      );
    }
    return idx;
  });
}

/** A row's problem as the one-line input error, at the row's line and column in the file. */
async function rowError(src: CsvRowSource, e: RowProblem): Promise<InputError> {
  const where = await locateRecord(src.file, e.recordIndex, e.field);
  return new InputError(e.detail, {
    file: src.displayName,
    line: where.line,
    col: where.col,
    path: src.path,
  });
}

/**
 * Stream a CSV file: `onHeader` gets the first row, `onRow(cells, recordIndex)` every data row
 * (recordIndex 1 = first data row). A RowProblem thrown by a callback becomes an InputError with the
 * row's line number and the field's character column; csv-parse errors keep their line.
 */
export async function forEachCsvRow(
  src: CsvRowSource,
  onHeader: (header: string[]) => void,
  onRow: (cells: string[], recordIndex: number) => void,
): Promise<number> {
  const plain = plainCsvRecords(src.file);
  if (plain !== null) {
    const { text, starts } = plain;
    let index = 0;
    try {
      for (; index < starts.length; index++) {
        const start = starts[index];
        const end = text.indexOf("\n", start);
        const cells = text.slice(start, end < 0 ? text.length : end).split(",");
        if (index === 0) onHeader(cells);
        else onRow(cells, index);
      }
    } catch (e) {
      if (!(e instanceof RowProblem)) throw e;
      throw await rowError(src, e);
    }
    return index;
  }
  const input = createReadStream(src.file);
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: false }));
  let index = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (index === 0) onHeader(record);
      else onRow(record, index);
      index++;
    }
  } catch (e) {
    parser.destroy();
    input.destroy();
    if (e instanceof RowProblem) throw await rowError(src, e);
    if (e instanceof InputError) throw e;
    const err = e as { code?: string; lines?: number; message?: string };
    if (typeof err.code === "string" && err.code.startsWith("CSV_")) {
      throw new InputError(`malformed CSV: ${err.message ?? err.code}`, {
        file: src.displayName,
        line: err.lines,
        path: src.path,
      });
    }
    throw e;
  }
  return index;
}

/** Files read whole by `plainCsvRecords` at most; larger ones stream through csv-parse. */
const PLAIN_CSV_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The records of a CSV file that needs none of csv-parse's machinery, or null: a file of at most
 * PLAIN_CSV_MAX_BYTES without quotes or carriage returns, every non-empty line with as many commas as the
 * first. There csv-parse (with the options `forEachCsvRow` gives it: `bom`, `skip_empty_lines`, records
 * of equal length) returns exactly each non-empty line split at its commas, which this does without
 * streams (the 62-day WorldCup98 minute trace reads about 10× faster). Anything else (and any read
 * error) returns null, and the file goes through csv-parse, errors included. Nothing is handed to a
 * caller before the whole file has been checked. The records are the file's text and where each
 * non-empty line starts: no array of lines is built, each line is cut and split when it is read.
 */
function plainCsvRecords(file: string): { text: string; starts: Int32Array } | null {
  let text: string;
  try {
    if (statSync(file).size > PLAIN_CSV_MAX_BYTES) return null;
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  if (text.includes('"') || text.includes("\r")) return null;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Where each non-empty line starts; the lines themselves are cut when they are read.
  let starts = new Int32Array(1024);
  let records = 0;
  let commas = -1;
  let comma = text.indexOf(",");
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) {
      let n = 0;
      while (comma >= 0 && comma < end) {
        n++;
        comma = text.indexOf(",", comma + 1);
      }
      if (commas < 0) commas = n;
      else if (n !== commas) return null;
      if (records === starts.length) {
        const grown = new Int32Array(records * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[records++] = start;
    }
    start = end + 1;
  }
  return { text, starts: starts.subarray(0, records) };
}

/** Line and character column of field `field` (0-based) of record `recordIndex` (0 = header). */
async function locateRecord(
  file: string,
  recordIndex: number,
  field: number,
): Promise<{ line: number; col: number }> {
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true }),
  );
  let index = 0;
  for await (const item of parser as AsyncIterable<{ info: { lines: number }; raw: string }>) {
    if (index === recordIndex) {
      parser.destroy();
      input.destroy();
      const raw = item.raw.replace(/\r?\n$/, "");
      const rawLines = raw.split(/\r?\n/).length;
      // info.lines counts the line the record ends on; a record spanning lines starts earlier.
      const line = item.info.lines - rawLines + 1;
      let col = 1;
      let seen = 0;
      for (let i = 0; i < raw.length && seen < field; i++) {
        if (raw[i] === ",") {
          seen++;
          col = i + 2;
        }
      }
      return { line, col };
    }
    index++;
  }
  return { line: recordIndex + 1, col: 1 };
}

/** Parse one timestamp cell given the file's kind (decided on the first row). */
export function timestampMs(text: string, kind: "iso" | EpochUnit): number {
  if (kind === "iso") return parseIsoMs(text);
  return isEpochNumber(text) ? epochToMs(text, kind) : Number.NaN;
}

/** Decide from the first timestamp whether the file uses ISO 8601 or epoch numbers (and which unit). */
export function timestampKind(first: string, epochUnit: EpochUnit | undefined): "iso" | EpochUnit {
  if (isEpochNumber(first)) return epochUnit ?? guessEpochUnit(Number(first));
  return "iso";
}

/** Only UTC is supported for zone-less timestamps; anything else is rejected rather than ignored. */
export function checkTimezone(timezone: string | undefined, path?: string): void {
  if (timezone !== undefined && timezone !== "UTC") {
    throw new InputError(
      `timezone "${timezone}" is not supported: zone-less timestamps are read as UTC; write offsets into the file (e.g. +02:00) instead`,
      { path },
    );
  }
}

export const TIMESTAMP_FORMATS =
  "expected ISO 8601 (e.g. 1998-04-30 21:30:00, 1998-04-30T21:30:00Z, ...+02:00) or epoch seconds/ms";

/** Read a counts-per-interval CSV into a RateSeries. */
export async function readCountsCsv(file: string, options: CountsCsvOptions = {}): Promise<RateSeries> {
  const tsName = options.timestampColumn ?? "timestamp";
  const valName = options.valueColumn ?? "count";
  const gaps = options.gaps ?? "error";
  const strict = options.strictRange;
  const strictAt = (fromMs: number, toMs: number): boolean =>
    gaps !== "zero" && (strict === undefined || (fromMs < strict.endMs && toMs > strict.startMs));
  const src: CsvRowSource = { file, displayName: options.displayName ?? file, path: options.path };
  checkTimezone(options.timezone, options.path);
  const stepOverride = options.stepMs;
  if (stepOverride !== undefined && !(Number.isInteger(stepOverride) && stepOverride > 0)) {
    throw new InputError(`stepMs must be a positive integer number of ms (got ${stepOverride})`, {
      path: options.path,
    });
  }

  const counts = new GrowableFloat64(4096);
  let tsIdx = 0;
  let valIdx = 0;
  let kind: "iso" | EpochUnit = "iso";
  let zoned = true;
  let startMs = Number.NaN;
  let prevMs = Number.NaN;
  let stepMs = stepOverride ?? 0;
  let filled = 0;
  let emptied = 0;
  let firstCount = Number.NaN;

  await forEachCsvRow(
    src,
    (header) => {
      [tsIdx, valIdx] = lookupColumns(header, [tsName, valName], src);
    },
    (cells, r) => {
      const tsText = cells[tsIdx];
      if (r === 1) {
        kind = timestampKind(tsText, options.epochUnit);
        zoned = kind !== "iso" || isoHasZone(tsText);
      }
      const t = Math.round(timestampMs(tsText, kind));
      if (Number.isNaN(t)) {
        throw new RowProblem(
          r,
          tsIdx,
          `bad timestamp "${tsText}" in column "${tsName}": ${TIMESTAMP_FORMATS}`,
        );
      }
      const valText = cells[valIdx];
      let v: number;
      if (valText.length === 0 || valText.trim().length === 0) {
        // An empty count means no data for the interval: the same case as a missing row.
        if (strictAt(t, t + Math.max(1, stepMs))) {
          throw new RowProblem(
            r,
            valIdx,
            `empty count in column "${valName}" (no data for this interval); set gaps: zero to count it as zero requests`,
          );
        }
        v = 0;
        emptied++;
      } else {
        v = Number(valText);
      }
      if (!Number.isFinite(v)) {
        throw new RowProblem(r, valIdx, `count "${valText}" in column "${valName}" is not a number`);
      }
      if (v < 0) throw new RowProblem(r, valIdx, `count ${valText} in column "${valName}" is negative`);
      if (v > MAX_INTERVAL_COUNT)
        throw new RowProblem(
          r,
          valIdx,
          `count ${valText} in column "${valName}" exceeds ${MAX_INTERVAL_COUNT}`,
        );

      if (r === 1) {
        startMs = t;
        prevMs = t;
        firstCount = v;
        return;
      }
      const diff = t - prevMs;
      if (diff <= 0) {
        const what = diff === 0 ? "duplicate timestamp" : "timestamp goes backwards";
        throw new RowProblem(
          r,
          tsIdx,
          `${what}: ${isoUtc(t)} after ${isoUtc(prevMs)} (timestamps must increase)`,
        );
      }
      if (stepMs === 0) {
        // Resolution inferred from the first two rows.
        stepMs = diff;
        counts.push(firstCount);
      } else if (r === 2) {
        counts.push(firstCount);
      }
      if (diff % stepMs !== 0) {
        throw new RowProblem(
          r,
          tsIdx,
          `timestamp ${isoUtc(t)} is off the ${formatStep(stepMs)} grid` +
            (stepOverride === undefined ? " inferred from the first two rows" : "") +
            ` (previous row ${isoUtc(prevMs)})`,
        );
      }
      const missing = diff / stepMs - 1;
      if (missing > 0) {
        if (strictAt(prevMs + stepMs, t)) {
          throw new RowProblem(
            r,
            tsIdx,
            `gap: ${missing} missing interval(s) of ${formatStep(stepMs)} between ${isoUtc(prevMs)} and ` +
              `${isoUtc(t)}; set gaps: zero to count them as zero requests`,
          );
        }
        for (let k = 0; k < missing; k++) counts.push(0);
        filled += missing;
      }
      counts.push(v);
      prevMs = t;
    },
  );

  if (Number.isNaN(startMs)) {
    // Located at the header (or the start of an empty file): where the data rows should follow.
    throw new InputError("no data rows after the header", {
      file: src.displayName,
      line: 1,
      col: 1,
      path: src.path,
    });
  }
  if (stepMs === 0) {
    // The scenario has no field for the interval length of a csv trace: a second row is the remedy.
    throw new InputError("only one data row: cannot infer the interval length; add the next interval's row", {
      file: src.displayName,
      line: 2,
      col: 1,
      path: src.path,
    });
  }
  if (counts.length === 0) counts.push(firstCount); // one row with an explicit stepMs
  const notes: string[] = [];
  if (!zoned) notes.push(ZONELESS_NOTE);
  if (filled > 0) notes.push(`${filled} missing interval(s) filled with zero requests`);
  if (emptied > 0) notes.push(`${emptied} interval(s) with an empty count read as zero requests`);
  return {
    startMs,
    stepMs,
    counts: counts.toArray(),
    source: `${basename(file)} (${tsName},${valName}; ${formatStep(stepMs)} intervals)`,
    notes,
  };
}

export interface CountValuesOptions {
  /** Epoch ms of the first value's interval. */
  startMs: number;
  /** Interval length in ms (NASA-HTTP 1995: 1000). */
  stepMs: number;
  path?: string;
  displayName?: string;
}

/**
 * Read a file of whitespace-separated non-negative counts, one per interval and no timestamps, such as
 * the NASA-HTTP 1995 per-second workload (one 10 MB line). Streamed chunk by chunk; the times come
 * from `startMs` and `stepMs` because the file has none, so gaps and discontinuities are invisible.
 */
export async function readCountValues(file: string, options: CountValuesOptions): Promise<RateSeries> {
  const display = options.displayName ?? file;
  const { startMs, stepMs } = options;
  if (!Number.isInteger(stepMs) || stepMs <= 0) {
    throw new InputError(`stepMs must be a positive integer number of ms (got ${stepMs})`, {
      path: options.path,
    });
  }
  if (!Number.isFinite(startMs)) {
    throw new InputError(`startMs must be an epoch time in ms (got ${startMs})`, { path: options.path });
  }
  const counts = new GrowableFloat64(1 << 16);
  let token = "";
  let line = 1;
  let col = 0;
  let tokenLine = 1;
  let tokenCol = 1;
  const flush = () => {
    const v = Number(token);
    if (!Number.isFinite(v) || v < 0 || v > MAX_INTERVAL_COUNT) {
      throw new InputError(`value "${token}" is not a number between 0 and ${MAX_INTERVAL_COUNT}`, {
        file: display,
        line: tokenLine,
        col: tokenCol,
        path: options.path,
      });
    }
    counts.push(v);
    token = "";
  };
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = chunk as string;
    let runStart = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      col++;
      const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff;
      if (space) {
        if (runStart >= 0) {
          token += text.slice(runStart, i);
          runStart = -1;
        }
        if (token.length > 0) flush();
        if (c === 10) {
          line++;
          col = 0;
        }
      } else if (runStart < 0) {
        if (token.length === 0) {
          tokenLine = line;
          tokenCol = col;
        }
        runStart = i;
      }
    }
    if (runStart >= 0) token += text.slice(runStart);
  }
  if (token.length > 0) flush();
  if (counts.length === 0) throw new InputError("no values in file", { file: display, path: options.path });
  return {
    startMs,
    stepMs,
    counts: counts.toArray(),
    source: `${basename(file)} (counts per ${formatStep(stepMs)})`,
    notes: [`no timestamps in file; interval 0 starts at ${isoUtc(startMs)}`],
  };
}
