/**
 * Per-request CSV traces: one row per request with its arrival time and optionally its service time.
 * The reader keeps every arrival (ms relative to the series start) and also bins them into counts so
 * the rest of scalesim can treat a request log like any other rate series.
 */
import { basename } from "node:path";
import { InputError } from "../errors.js";
import {
  RowProblem,
  TIMESTAMP_FORMATS,
  checkTimezone,
  forEachCsvRow,
  lookupColumns,
  timestampKind,
  timestampMs,
  type CsvRowSource,
} from "./csv-counts.js";
import {
  type EpochUnit,
  GrowableFloat64,
  ZONELESS_NOTE,
  formatStep,
  isoHasZone,
  isoUtc,
  type RateSeries,
} from "./series.js";

/** Default bin width for the counts of a per-request trace: 1 s. */
export const DEFAULT_REQUEST_BIN_MS = 1000;

export interface RequestsCsvOptions {
  /** Header name of the arrival-time column. Default `timestamp`. */
  timestampColumn?: string;
  /** Header name of the service-time column (ms); omit when the trace has none. */
  serviceColumn?: string;
  /** Width of the count bins in ms. Default 1000. */
  binMs?: number;
  /**
   * Largest step back in time (ms) tolerated between consecutive rows; such rows are sorted into place
   * and counted in a note. Default 0: any row earlier than the previous one is an error, since an
   * unsorted log usually means merged files or a wrong column.
   */
  sortToleranceMs?: number;
  /** Unit of bare epoch numbers; default by magnitude (see EPOCH_MS_THRESHOLD). */
  epochUnit?: EpochUnit;
  /** Zone of timestamps that carry none: UTC only. */
  timezone?: "UTC";
  path?: string;
  displayName?: string;
}

/**
 * Read a per-request CSV. Arrival times are rounded to whole ms (simulator time is integer ms); the
 * series starts at the first arrival rounded down to a multiple of `binMs` since the epoch, so bins
 * fall on round clock times.
 */
export async function readRequestsCsv(file: string, options: RequestsCsvOptions = {}): Promise<RateSeries> {
  const tsName = options.timestampColumn ?? "timestamp";
  const svcName = options.serviceColumn;
  const binMs = options.binMs ?? DEFAULT_REQUEST_BIN_MS;
  const tolerance = options.sortToleranceMs ?? 0;
  const src: CsvRowSource = { file, displayName: options.displayName ?? file, path: options.path };
  checkTimezone(options.timezone, options.path);
  if (!Number.isInteger(binMs) || binMs <= 0) {
    throw new InputError(`binMs must be a positive integer number of ms (got ${binMs})`, {
      path: options.path,
    });
  }
  if (!(tolerance >= 0)) {
    throw new InputError(`sortToleranceMs must be >= 0 (got ${tolerance})`, { path: options.path });
  }

  const times = new GrowableFloat64(4096);
  const service = svcName === undefined ? undefined : new GrowableFloat64(4096);
  let tsIdx = 0;
  let svcIdx = -1;
  let kind: "iso" | EpochUnit = "iso";
  let zoned = true;
  let maxMs = Number.NEGATIVE_INFINITY;
  let outOfOrder = 0;

  await forEachCsvRow(
    src,
    (header) => {
      const wanted = svcName === undefined ? [tsName] : [tsName, svcName];
      [tsIdx, svcIdx = -1] = lookupColumns(header, wanted, src);
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
      if (t < maxMs) {
        if (maxMs - t > tolerance) {
          throw new RowProblem(
            r,
            tsIdx,
            `requests out of order: ${isoUtc(t)} is ${maxMs - t} ms before an earlier row's ${isoUtc(maxMs)}` +
              ` (tolerance ${tolerance} ms; raise sortToleranceMs or sort the file)`,
          );
        }
        outOfOrder++;
      } else {
        maxMs = t;
      }
      times.push(t);
      if (service !== undefined) {
        const text = cells[svcIdx];
        const v = text.length === 0 ? Number.NaN : Number(text);
        if (!Number.isFinite(v) || v < 0) {
          throw new RowProblem(
            r,
            svcIdx,
            `service time "${text}" in column "${svcName}" is not a number >= 0 ms`,
          );
        }
        service.push(v);
      }
    },
  );

  const n = times.length;
  if (n === 0)
    throw new InputError("no requests after the header", { file: src.displayName, path: src.path });
  let abs = times.toArray();
  let svc = service?.toArray();
  if (outOfOrder > 0) [abs, svc] = sortByTime(abs, svc);

  const startMs = Math.floor(abs[0] / binMs) * binMs;
  const bins = Math.floor((abs[n - 1] - startMs) / binMs) + 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    abs[i] -= startMs; // now relative to startMs, in place
    counts[Math.floor(abs[i] / binMs)]++;
  }
  const notes: string[] = [];
  if (!zoned) notes.push(ZONELESS_NOTE);
  if (outOfOrder > 0) notes.push(`${outOfOrder} request(s) slightly out of order were sorted into place`);
  const series: RateSeries = {
    startMs,
    stepMs: binMs,
    counts,
    requestTimesMs: abs,
    source: `${basename(file)} (${n} requests, ${formatStep(binMs)} bins)`,
    notes,
  };
  if (svc !== undefined) series.requestServiceMs = svc;
  return series;
}

/** Stable sort of arrival times, carrying the service times along. */
function sortByTime(times: Float64Array, service?: Float64Array): [Float64Array, Float64Array | undefined] {
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Typed-array sort with a comparator is stable in V8 (ES2019 requires stable Array.prototype.sort;
  // ties fall back to the original index explicitly so the result never depends on it).
  order.sort((a, b) => times[a] - times[b] || a - b);
  const t = new Float64Array(times.length);
  const s = service === undefined ? undefined : new Float64Array(times.length);
  for (let i = 0; i < order.length; i++) {
    t[i] = times[order[i]];
    if (s !== undefined && service !== undefined) s[i] = service[order[i]];
  }
  return [t, s];
}
