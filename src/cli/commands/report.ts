import { type Command, InvalidArgumentError } from "commander";
import type { RunOutput } from "../../api.js";
import { InputError } from "../../errors.js";
import type { GrowthResult } from "../../report/growth.js";
import type { ReportInput } from "../../report/input.js";
import type { Scenario } from "../../scenario/load.js";

export interface ReportCliOptions {
  growth?: boolean;
  growthMax?: number;
  compare?: [string, string];
  images?: boolean;
}

function multiplierOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 1)
    throw new InvalidArgumentError("the largest growth multiplier is a number above 1");
  return n;
}

function pairOption(v: string): [string, string] {
  const parts = v.split(",").map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === ""))
    throw new InvalidArgumentError("give two platform names: A,B");
  return [parts[0], parts[1]];
}

/** The growth search for the platform the plan would recommend (or the closest one), when the scenario is at hand. */
async function growthFor(
  scenario: Scenario,
  input: ReportInput,
  maxMultiplier?: number,
): Promise<GrowthResult | undefined> {
  const { plan } = await import("../../report/planning.js");
  const { findBreakingMultiplier } = await import("../../report/growth.js");
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
  // The report and chart stack loads only when a report is written.
  const { buildReport, writeReportFiles } = await import("../../report/build.js");
  const report = await buildReport(input, { growth, compare: opts.compare, images: opts.images });
  writeReportFiles(dir, report.files);
  const charts = report.charts.map((c) => c.name).join(", ");
  process.stdout.write(`wrote report.html, report.md${charts ? ` and charts (${charts})` : ""} to ${dir}\n`);
}

/**
 * After `run`: check the scenario's thresholds, adding thresholds.json to the outputs. Returns whether
 * all passed and the lines to print (empty when the scenario has none).
 */
export async function checkRunThresholds(
  scenario: Scenario,
  out: RunOutput,
): Promise<{ passed: boolean; text: string }> {
  if (!scenario.thresholds) return { passed: true, text: "" };
  const { evaluateThresholds, formatThresholdResults, thresholdsJson } = await import(
    "../../report/thresholds.js"
  );
  const results = evaluateThresholds(scenario.thresholds, out.summary);
  out.files["thresholds.json"] = thresholdsJson(results);
  return { passed: results.every((r) => r.ok), text: formatThresholdResults(results) };
}

/** `run --report`: the report of the outputs just written, from memory. */
export async function reportAfterRun(
  dir: string,
  scenario: Scenario,
  out: RunOutput,
  opts: ReportCliOptions,
): Promise<void> {
  const { parseReportFiles } = await import("../../report/input.js");
  await writeReport(dir, parseReportFiles(out.files, dir), scenario, opts);
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write an HTML report (offline), a Markdown summary and chart images from an output folder")
    .argument("<dir>", "folder written by `scalesim run --out` or `scalesim sweep --out`")
    .option(
      "-s, --scenario <file>",
      "the scenario that produced the folder: enables the traffic-growth search",
    )
    .option("--no-growth", "skip the traffic-growth search even with --scenario")
    .option("--growth-max <x>", "largest traffic multiplier the growth search tries", multiplierOption, 8)
    .option("--compare <a,b>", "the two platforms to put side by side", pairOption)
    .option("--no-images", "skip the SVG and PNG files")
    .option("-o, --out <dir>", "write the report here instead of into <dir>")
    .option("--markdown", "also print the Markdown summary to stdout (for a PR comment)")
    .action(
      async (
        dir: string,
        opts: {
          scenario?: string;
          growth: boolean;
          growthMax: number;
          compare?: [string, string];
          images: boolean;
          out?: string;
          markdown?: boolean;
        },
      ) => {
        const { readReportDir } = await import("../../report/input.js");
        const { loadScenario } = await import("../../scenario/load.js");
        const input = readReportDir(dir);
        const scenario = opts.scenario ? loadScenario(opts.scenario) : undefined;
        const target = opts.out ?? dir;
        await writeReport(target, input, scenario, opts);
        if (opts.markdown) {
          const { readFileSync } = await import("node:fs");
          const { join } = await import("node:path");
          process.stdout.write(readFileSync(join(target, "report.md"), "utf8"));
        }
      },
    );
}
