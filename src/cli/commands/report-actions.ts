/** What `report` and `run --report` do: the report's heavy modules load only when a report is written. */
import type { RunOutput } from "../../api.js";
import { InputError } from "../../errors.js";
import { buildReport, writeReportFiles } from "../../render/build.js";
import type { GrowthResult } from "../../analysis/growth.js";
import { findBreakingMultiplier } from "../../studies/growth.js";
import { parseReportFiles, type ReportInput } from "../../analysis/input.js";
import { plan } from "../../analysis/planning.js";
import type { Scenario } from "../../scenario/load.js";

export interface ReportCliOptions {
  growth?: boolean;
  growthMax?: number;
  compare?: [string, string];
  images?: boolean;
}

/** The growth search for the platform the plan would recommend (or the closest one), when the scenario is at hand. */
async function growthFor(
  scenario: Scenario,
  input: ReportInput,
  maxMultiplier?: number,
): Promise<GrowthResult | undefined> {
  const p = plan({ summary: input.summary, sweep: undefined, series: input.series });
  const platform = p?.recommended?.platform ?? p?.closest?.platform;
  if (!platform || !(platform in scenario.platforms)) return undefined;
  return findBreakingMultiplier(scenario, platform, { maxMultiplier });
}

/** Build and write the report of an output folder's files; prints where it went. */
export async function writeReport(
  dir: string,
  input: ReportInput,
  scenario: Scenario | undefined,
  opts: ReportCliOptions,
): Promise<void> {
  if (opts.compare && input.summary) {
    for (const n of opts.compare) {
      if (!(n in input.summary.platforms)) {
        throw new InputError(
          `no platform named "${n}" (have: ${Object.keys(input.summary.platforms).join(", ")})`,
          { path: "--compare" },
        );
      }
    }
  }
  const growth =
    scenario && opts.growth !== false && !input.sweep
      ? await growthFor(scenario, input, opts.growthMax)
      : undefined;
  const report = await buildReport(input, { growth, compare: opts.compare, images: opts.images });
  writeReportFiles(dir, report.files);
  const charts = report.charts.map((c) => c.name).join(", ");
  process.stdout.write(`wrote report.html, report.md${charts ? ` and charts (${charts})` : ""} to ${dir}\n`);
}

/** `run --report`: the report of the outputs just written, from memory. */
export async function reportAfterRun(
  dir: string,
  scenario: Scenario,
  out: RunOutput,
  opts: ReportCliOptions,
): Promise<void> {
  await writeReport(dir, parseReportFiles(out.files, dir), scenario, opts);
}
