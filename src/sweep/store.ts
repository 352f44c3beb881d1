/**
 * A sweep's output folder: `runs.jsonl` (one line per finished run, appended as runs finish, so an
 * interrupted sweep loses nothing it finished) and `sweep.meta.json` (the plan, shared by every shard).
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeOutputs } from "../output/files.js";
import type { PlanMeta, PlannedRun, PlannedVariant } from "./plan.js";
import type { RunMetrics, RunOutcome } from "./task.js";

export const RUNS_FILE = "runs.jsonl";
export const META_FILE = "sweep.meta.json";

export interface RunRecord {
  run: string;
  variant: number;
  id: string;
  replication: number;
  seed: number;
  key: string;
  params: Record<string, unknown>;
  status: "ok" | "failed";
  error?: string;
  platforms?: Record<string, RunMetrics>;
}

export interface Shard {
  index: number;
  count: number;
}

export interface StoredMeta extends PlanMeta {
  shard: Shard | null;
}

export function makeRecord(run: PlannedRun, variant: PlannedVariant, outcome: RunOutcome): RunRecord {
  const head = {
    run: run.run,
    variant: run.variant,
    id: variant.id,
    replication: run.replication,
    seed: run.seed,
    key: run.key,
    params: variant.params,
  };
  return outcome.status === "ok"
    ? { ...head, status: "ok", platforms: outcome.platforms }
    : { ...head, status: "failed", error: outcome.error };
}

/** Parse runs.jsonl text; a torn last line (no newline: the process died mid-write) is left out. */
export function parseRuns(text: string): { records: RunRecord[]; validBytes: number } {
  const records: RunRecord[] = [];
  let start = 0;
  let validBytes = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) break;
    const line = text.slice(start, nl);
    start = nl + 1;
    validBytes = Buffer.byteLength(text.slice(0, start));
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as RunRecord;
      if (typeof rec.key === "string" && (rec.status === "ok" || rec.status === "failed")) records.push(rec);
    } catch {
      // A damaged line is a run to redo, not a reason to stop.
    }
  }
  return { records, validBytes };
}

/** Records by run key; a later line for the same key wins (a retried failure). */
export function recordsByKey(records: readonly RunRecord[]): Map<string, RunRecord> {
  const m = new Map<string, RunRecord>();
  for (const r of records) m.set(r.key, r);
  return m;
}

export function readRuns(dir: string): RunRecord[] {
  const file = join(dir, RUNS_FILE);
  if (!existsSync(file)) return [];
  return parseRuns(readFileSync(file, "utf8")).records;
}

/** Appends finished runs to runs.jsonl, one write per line. */
export class RunLog {
  private constructor(
    private fd: number,
    private pos: number,
    readonly existing: Map<string, RunRecord>,
  ) {}

  /** Open the folder's log, keeping what it holds (unless `fresh`) and cutting off a torn last line. */
  static open(dir: string, fresh: boolean): RunLog {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, RUNS_FILE);
    let existing = new Map<string, RunRecord>();
    let keep = 0;
    if (!fresh && existsSync(file)) {
      const parsed = parseRuns(readFileSync(file, "utf8"));
      existing = recordsByKey(parsed.records);
      keep = parsed.validBytes;
    }
    const fd = openSync(file, fresh || !existsSync(file) ? "w" : "r+");
    ftruncateSync(fd, keep);
    return new RunLog(fd, keep, existing);
  }

  append(record: RunRecord): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let off = 0;
    // At the end of the valid part: the file was cut to it when opened.
    while (off < line.length) off += writeSync(this.fd, line, off, line.length - off, this.pos + off);
    this.pos += line.length;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export function metaText(meta: PlanMeta, shard: Shard | null): string {
  const stored: StoredMeta = { ...meta, shard };
  return `${JSON.stringify(stored, null, 1)}\n`;
}

export function writeMeta(dir: string, meta: PlanMeta, shard: Shard | null): void {
  writeOutputs(dir, { [META_FILE]: metaText(meta, shard) });
}

export function readMeta(dir: string): StoredMeta {
  const file = join(dir, META_FILE);
  if (!existsSync(file))
    throw new InputError(`no ${META_FILE} here: not the output folder of a sweep`, { file: dir });
  let meta: StoredMeta;
  try {
    meta = JSON.parse(readFileSync(file, "utf8")) as StoredMeta;
  } catch (e) {
    throw new InputError(`cannot read the sweep plan: ${(e as Error).message}`, { file });
  }
  if (meta.format !== "scalesim-sweep/1")
    throw new InputError(`unknown sweep output format ${JSON.stringify(meta.format)}`, { file });
  return meta;
}
