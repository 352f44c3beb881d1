/**
 * Application Load Balancer access logs as traffic: each entry is one request (or one WebSocket
 * connection), replayed at its `request_creation_time`.
 *
 * Format (space-separated, some fields in double quotes), from
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html:
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request"
 *   "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" "chosen_cert_arn"
 *   matched_rule_priority request_creation_time "actions_executed" … (later fields are appended over time
 *   and ignored here).
 * - `time` is when the load balancer sent the response (for WebSockets, when the connection closed), so
 *   files are in completion order; `request_creation_time` is when the request arrived.
 * - `target_processing_time` is -1 when the target did not answer (timeouts, connection errors, requests
 *   the load balancer answered itself).
 * - Log files are delivered to S3 every 5 minutes, optionally gzip-compressed, named
 *   `…_elasticloadbalancing_<region>_app.<name>.<id>_<end-time>_<ip>_<random>.log(.gz)`, so a folder read in
 *   name order is read in time order.
 *
 * Reading streams line by line. In fluid mode only counts per bin and a bounded sample of service times are
 * kept, so a day of logs for a busy service fits in memory; request mode keeps each arrival (it replays them).
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { InputError } from "../errors.js";
import { formatStep, GrowableFloat64, parseIsoMs, type RateSeries } from "./series.js";

/** Request types AWS lists for the `type` field. */
const TYPES = new Set(["http", "https", "h2", "grpcs", "ws", "wss"]);
const FIELD_REQUEST_CREATION_TIME = 21;
const FIELD_TARGET_PROCESSING_TIME = 6;
/** Service-time sample kept in fluid mode: at most this many values (every k-th request beyond). */
const SERVICE_SAMPLE_LIMIT = 1 << 20;

export interface AlbLogOptions {
  /** Count bin width, ms (default 1 s). */
  binMs?: number;
  /** Keep every request's arrival (request mode). */
  perRequest?: boolean;
  /** Keep service times from target_processing_time. */
  serviceTimes?: boolean;
  displayName?: string;
  path?: string;
}

/**
 * Split one entry into its fields (at most `limit`: the reader needs the first 22); quoted fields lose their
 * quotes. Returns null on an unclosed quote.
 */
export function splitAlbLogLine(line: string, limit = Number.POSITIVE_INFINITY): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && out.length < limit) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    if (line.charCodeAt(i) === 34) {
      let j = line.indexOf('"', i + 1);
      if (j < 0) return null;
      if (line.lastIndexOf("\\", j) <= i) {
        // The common case: no escapes inside, so the field is a slice of the line.
        out.push(line.slice(i + 1, j));
      } else {
        let s = "";
        for (j = i + 1; j < n && line.charCodeAt(j) !== 34; j++)
          s += line.charCodeAt(j) === 92 ? line[++j] : line[j];
        if (j >= n) return null;
        out.push(s);
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < n && line.charCodeAt(j) !== 32) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The log files under a path: the file itself, or every .log / .log.gz below a folder, in name order. */
async function logFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (st.isFile()) return [path];
  const found: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.log(\.gz)?$/.test(e.name)) found.push(p);
    }
  };
  await walk(path);
  // Delivered names embed the end time of their 5-minute interval; the folder path orders the days.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Counts by absolute bin index, growing in either direction (entries arrive in completion order). */
class Bins {
  private counts = new Float64Array(0);
  private base = 0;
  constructor(private readonly binMs: number) {}
  add(tMs: number): void {
    const b = Math.floor(tMs / this.binMs);
    if (this.counts.length === 0) this.base = b - 64;
    let i = b - this.base;
    if (i < 0 || i >= this.counts.length) {
      const lo = Math.min(this.base, b - 64);
      const hi = Math.max(this.base + this.counts.length, b + 1);
      const next = new Float64Array(Math.max(hi - lo, 2 * this.counts.length));
      next.set(this.counts, this.base - lo);
      this.counts = next;
      this.base = lo;
      i = b - this.base;
    }
    this.counts[i]++;
  }
  /** The filled range [first non-empty bin, last non-empty bin] and its start time. */
  series(): { startMs: number; counts: Float64Array } {
    let a = 0;
    let z = this.counts.length - 1;
    while (a <= z && this.counts[a] === 0) a++;
    while (z >= a && this.counts[z] === 0) z--;
    return { startMs: (this.base + a) * this.binMs, counts: this.counts.slice(a, z + 1) };
  }
}

export async function readAlbLogs(path: string, options: AlbLogOptions = {}): Promise<RateSeries> {
  const binMs = options.binMs ?? 1000;
  const shown = options.displayName ?? path;
  let files: string[];
  try {
    files = await logFiles(path);
  } catch {
    throw new InputError(`ALB access logs not found: ${shown}`, { path: options.path });
  }
  if (files.length === 0)
    throw new InputError(`no .log or .log.gz files under ${shown}`, { path: options.path });

  const bins = new Bins(binMs);
  const times = options.perRequest ? new GrowableFloat64(1 << 16) : undefined;
  const service = options.serviceTimes ? new GrowableFloat64(1 << 16) : undefined;
  let stride = 1;
  let seen = 0;
  let requests = 0;
  let failed = 0;
  let lastService = Number.NaN;

  for (const file of files) {
    const name = file === path ? shown : join(shown, relative(path, file));
    let input: NodeJS.ReadableStream = createReadStream(file);
    if (file.endsWith(".gz")) input = input.pipe(createGunzip());
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo++;
        if (line.length === 0) continue;
        const f = splitAlbLogLine(line, FIELD_REQUEST_CREATION_TIME + 1);
        const bad = (col: number, what: string) =>
          new InputError(what, { file: name, line: lineNo, col, path: options.path });
        if (f === null) throw bad(1, "unterminated quoted field in an ALB access log entry");
        if (!TYPES.has(f[0]))
          throw bad(
            1,
            `not an ALB access log entry: type "${f[0].slice(0, 20)}" is not one of ${[...TYPES].join(", ")}`,
          );
        if (f.length <= FIELD_REQUEST_CREATION_TIME)
          throw bad(1, `an ALB access log entry has at least 22 fields; this one has ${f.length}`);
        const created = parseIsoMs(f[FIELD_REQUEST_CREATION_TIME]);
        if (Number.isNaN(created))
          throw bad(
            columnOf(line, FIELD_REQUEST_CREATION_TIME),
            `bad request_creation_time "${f[FIELD_REQUEST_CREATION_TIME]}"`,
          );
        const t = Math.round(created);
        bins.add(t);
        requests++;
        times?.push(t);
        if (service) {
          const s = Number(f[FIELD_TARGET_PROCESSING_TIME]);
          if (!Number.isFinite(s))
            throw bad(
              columnOf(line, FIELD_TARGET_PROCESSING_TIME),
              `bad target_processing_time "${f[FIELD_TARGET_PROCESSING_TIME]}"`,
            );
          // -1: the target did not answer; a replayed request takes the previous answered one's time.
          let ms = s * 1000;
          if (s < 0) {
            failed++;
            ms = lastService;
          } else lastService = ms;
          if (options.perRequest) service.push(ms);
          else if (s >= 0 && seen++ % stride === 0) {
            service.push(ms);
            if (service.length >= SERVICE_SAMPLE_LIMIT) {
              halve(service);
              stride *= 2;
            }
          }
        }
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot read ALB access log (${(e as Error).message})`, {
        file: name,
        path: options.path,
      });
    }
  }
  if (requests === 0)
    throw new InputError(`no entries in the ALB access logs under ${shown}`, { path: options.path });

  const { startMs, counts } = bins.series();
  const notes = [
    `${requests} requests from ${files.length} ALB access log file(s), replayed at request_creation_time`,
  ];
  const series: RateSeries = {
    startMs,
    stepMs: binMs,
    counts,
    source: `${basename(path)} (ALB access logs, ${requests} requests, ${formatStep(binMs)} bins)`,
    notes,
  };
  if (service) {
    if (failed > 0)
      notes.push(
        `${failed} request(s) without a target response (target_processing_time -1) take the previous request's service time`,
      );
    fillLeadingGaps(service);
  }
  if (times) {
    const [t, s] = sortRelative(times.toArray(), service?.toArray(), startMs);
    series.requestTimesMs = t;
    if (s) series.requestServiceMs = s;
  } else if (service) {
    series.requestServiceMs = service.toArray();
    if (stride > 1) notes.push(`service times: a systematic sample of every ${stride}th request`);
  }
  return series;
}

/** Keep every other value (the sample's stride doubles). */
function halve(g: GrowableFloat64): void {
  let k = 0;
  for (let i = 0; i < g.length; i += 2) g.data[k++] = g.data[i];
  g.length = k;
}

/** Requests before the first answered one have no previous service time: take the first answered one's. */
function fillLeadingGaps(g: GrowableFloat64): void {
  let first = Number.NaN;
  for (let i = 0; i < g.length && Number.isNaN(first); i++) first = g.data[i];
  for (let i = 0; i < g.length && Number.isNaN(g.data[i]); i++) g.data[i] = Number.isNaN(first) ? 0 : first;
}

/** Arrival times sorted (entries come in completion order), relative to the series start. */
function sortRelative(
  times: Float64Array,
  service: Float64Array | undefined,
  startMs: number,
): [Float64Array, Float64Array | undefined] {
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => times[a] - times[b] || a - b);
  const t = new Float64Array(times.length);
  const s = service ? new Float64Array(times.length) : undefined;
  for (let i = 0; i < order.length; i++) {
    t[i] = times[order[i]] - startMs;
    if (s && service) s[i] = service[order[i]];
  }
  return [t, s];
}

/** 1-based column where field `k` of an entry starts. */
function columnOf(line: string, k: number): number {
  let field = 0;
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) inQuote = !inQuote;
    if (c === 32 && !inQuote && i + 1 < line.length && line.charCodeAt(i + 1) !== 32) {
      field++;
      if (field === k) return i + 2;
    }
  }
  return 1;
}
