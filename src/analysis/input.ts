import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { parseJsonText } from "../input-text.js";
import type { Decision } from "../models/decisions.js";
import type { GrowthResult } from "./growth.js";
import type { ThresholdResult } from "./thresholds.js";
import type { Summary } from "./summary.js";
import { parseSweep, type SweepTable } from "./sweep-input.js";

/**
 * The part of `backtest.json` (written by `scalesim backtest --out`, docs/backtest.md) a report reads:
 * the real and the simulated desired and running task counts per minute, and the matched scaling
 * activities (drawn by src/render/backtest-chart.ts). Read here by shape only, so the report does not depend on the backtest code.
 */
export interface BacktestInput {
  scenario: string;
  platform: string;
  resourceId: string | null;
  activities: { real: number; simulated: number; matched: number; meanAbsOffsetSeconds: number | null };
  taskMinutesAbsError: number;
  series: {
    time: string[];
    realDesired: (number | null)[];
    simDesired: number[];
    realRunning: (number | null)[];
    simRunning: number[];
  };
}

/** One platform's minute series as read back from series.csv: every numeric column, NaN where empty. */
export interface PlatformSeries {
  platform: string;
  /** Epoch ms of each row. */
  time: Float64Array;
  columns: Record<string, Float64Array>;
}

/**
 * What a report is built from: the files of an output folder. Everything but one of summary/sweep is
 * optional, and each section of the report checks for its own data, so a report works on the output of
 * any version of `run` or `sweep`.
 */
export interface ReportInput {
  summary?: Summary;
  series: PlatformSeries[];
  decisions: Decision[];
  sweep?: SweepTable;
  thresholds?: { passed: boolean; failed: number; total: number; results: ThresholdResult[] };
  /** A growth search written by an earlier report (growth.json). */
  growth?: GrowthResult;
  /** A backtest against a real service's history (backtest.json). */
  backtest?: BacktestInput;
}

export const REPORT_INPUT_FILES = [
  "summary.json",
  "series.csv",
  "decisions.jsonl",
  "sweep.json",
  "thresholds.json",
  "growth.json",
  "backtest.json",
];

/** Read an output folder; broken or missing files are InputErrors naming the file. */
export function readReportDir(dir: string): ReportInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError("not a folder of scalesim outputs", { file: dir });
  const files: Record<string, string> = {};
  for (const name of REPORT_INPUT_FILES) {
    const p = join(dir, name);
    if (existsSync(p)) files[name] = readFileSync(p, "utf8");
  }
  if (
    files["summary.json"] === undefined &&
    files["sweep.json"] === undefined &&
    files["backtest.json"] === undefined
  ) {
    throw new InputError(
      "found none of summary.json (from `scalesim run --out`), sweep.json (from `scalesim sweep`), backtest.json (from `scalesim backtest --out`)",
      { file: dir },
    );
  }
  return parseReportFiles(files, dir);
}

/** Parse output files held in memory (as `run` produces them). */
export function parseReportFiles(files: Record<string, string>, where = "<memory>"): ReportInput {
  const input: ReportInput = { series: [], decisions: [] };
  const summaryText = files["summary.json"];
  if (summaryText !== undefined) {
    const s = parseJson(summaryText, join(where, "summary.json")) as Summary;
    if (!s || typeof s !== "object" || typeof s.platforms !== "object") {
      throw new InputError("summary.json has no `platforms` object", { file: join(where, "summary.json") });
    }
    input.summary = s;
  }
  if (files["series.csv"] !== undefined)
    input.series = parseSeriesCsv(files["series.csv"], join(where, "series.csv"));
  if (files["decisions.jsonl"] !== undefined)
    input.decisions = parseDecisions(files["decisions.jsonl"], join(where, "decisions.jsonl"));
  if (files["sweep.json"] !== undefined)
    input.sweep = parseSweep(parseJson(files["sweep.json"], join(where, "sweep.json")));
  if (files["thresholds.json"] !== undefined) {
    input.thresholds = parseJson(
      files["thresholds.json"],
      join(where, "thresholds.json"),
    ) as ReportInput["thresholds"];
  }
  if (files["growth.json"] !== undefined)
    input.growth = parseJson(files["growth.json"], join(where, "growth.json")) as GrowthResult;
  if (files["backtest.json"] !== undefined)
    input.backtest = parseJson(files["backtest.json"], join(where, "backtest.json")) as BacktestInput;
  return input;
}

function parseJson(text: string, file: string): unknown {
  return parseJsonText(text, file);
}

/** series.csv → one PlatformSeries per platform, in order of first appearance. */
export function parseSeriesCsv(text: string, file = "series.csv"): PlatformSeries[] {
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const head = lines[0].split(",");
  const iTime = head.indexOf("time");
  const iPlatform = head.indexOf("platform");
  if (iTime < 0 || iPlatform < 0)
    throw new InputError("series.csv needs `time` and `platform` columns", { file, line: 1, col: 1 });
  const numeric = head
    .map((h, i) => (i === iTime || i === iPlatform || h === "minute" ? -1 : i))
    .filter((i) => i >= 0);
  // Group row indices by platform first, so columns can be allocated at their final size.
  const rowsOf = new Map<string, number[]>();
  const order: string[] = [];
  for (let li = 1; li < lines.length; li++) {
    const comma = nthField(lines[li], iPlatform);
    let rows = rowsOf.get(comma);
    if (!rows) {
      rows = [];
      rowsOf.set(comma, rows);
      order.push(comma);
    }
    rows.push(li);
  }
  return order.map((platform) => {
    const rows = rowsOf.get(platform)!;
    const time = new Float64Array(rows.length);
    const columns: Record<string, Float64Array> = {};
    for (const i of numeric) columns[head[i]] = new Float64Array(rows.length);
    rows.forEach((li, k) => {
      const cells = lines[li].split(",");
      if (cells.length !== head.length) {
        throw new InputError(`expected ${head.length} fields, found ${cells.length}`, {
          file,
          line: li + 1,
          col: 1,
        });
      }
      time[k] = Date.parse(cells[iTime]);
      for (const i of numeric) columns[head[i]][k] = cells[i] === "" ? Number.NaN : Number(cells[i]);
    });
    return { platform, time, columns };
  });
}

function nthField(line: string, n: number): string {
  let start = 0;
  for (let k = 0; k < n; k++) start = line.indexOf(",", start) + 1;
  const end = line.indexOf(",", start);
  return line.slice(start, end < 0 ? undefined : end);
}

export function parseDecisions(text: string, file = "decisions.jsonl"): Decision[] {
  const out: Decision[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    try {
      out.push(JSON.parse(lines[i]) as Decision);
    } catch (e) {
      throw new InputError(`not a JSON line: ${(e as Error).message}`, { file, line: i + 1, col: 1 });
    }
  }
  return out;
}
