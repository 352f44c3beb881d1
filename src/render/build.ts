import { backtestChart } from "./backtest-chart.js";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type Chart,
  costChart,
  demandCapacityChart,
  latencyChart,
  paretoChart,
  utilisationChart,
} from "./charts.js";
import { type Comparison, choosePair, compare } from "../analysis/compare.js";
import { CHART_POINT_CAP } from "./downsample.js";
import type { GrowthResult } from "../analysis/growth.js";
import { reportHtml } from "./html.js";
import type { ReportInput } from "../analysis/input.js";
import { reportMarkdown } from "./markdown.js";
import { type Plan, plan as makePlan, recommendedIds } from "../analysis/planning.js";

/**
 * A report from an output folder's files: report.html (self-contained), report.md (for a PR comment)
 * and charts/<name>.{vl.json,svg,png}. Sections without data are left out.
 */

export interface ReportOptions {
  /** The growth search, when the scenario was at hand to run it. */
  growth?: GrowthResult;
  /** Platforms to put side by side (default: an EC2/other platform against Fargate, else the first two). */
  compare?: [string, string];
  /** Render SVG and PNG files (default true). */
  images?: boolean;
  /** Points per line in time-series charts (default CHART_POINT_CAP). */
  pointCap?: number;
}

export interface Report {
  charts: Chart[];
  plan: Plan | undefined;
  comparison: Comparison | undefined;
  files: Record<string, string | Buffer>;
}

/** The charts a report input supports, in reading order. */
export function reportCharts(input: ReportInput, plan: Plan | undefined, cap = CHART_POINT_CAP): Chart[] {
  const slo = plan?.slo;
  const charts: (Chart | undefined)[] = [
    demandCapacityChart(input.series, input.decisions, cap),
    slo ? latencyChart(input.series, slo, cap) : undefined,
    costChart(input.series, cap),
    utilisationChart(input.series, input.summary, cap),
    input.sweep && slo ? paretoChart(input.sweep, slo, recommendedIds(plan)) : undefined,
    backtestChart(input.backtest, cap),
  ];
  return charts.filter((c): c is Chart => c !== undefined);
}

export function reportComparison(input: ReportInput, pair?: [string, string]): Comparison | undefined {
  if (!input.summary) return undefined;
  const chosen = choosePair(input.summary, pair?.[0], pair?.[1]);
  return typeof chosen === "string" ? undefined : compare(input.summary, chosen[0], chosen[1]);
}

export async function buildReport(input: ReportInput, options: ReportOptions = {}): Promise<Report> {
  const growth = options.growth ?? input.growth;
  const plan = makePlan({ summary: input.summary, sweep: input.sweep, series: input.series, growth });
  const comparison = reportComparison(input, options.compare);
  const charts = reportCharts(input, plan, options.pointCap);
  const files: Record<string, string | Buffer> = {};
  files["report.html"] = reportHtml({ input, plan, comparison, charts });
  files["report.md"] = reportMarkdown({ input, plan, comparison });
  for (const c of charts) files[`charts/${c.name}.vl.json`] = `${JSON.stringify(c.spec)}\n`;
  if (options.images !== false && charts.length > 0) {
    const { renderChart } = await import("./images.js");
    for (const c of charts) {
      const img = await renderChart(c);
      files[`charts/${c.name}.svg`] = img.svg;
      files[`charts/${c.name}.png`] = img.png;
    }
  }
  if (options.growth) files["growth.json"] = `${JSON.stringify(options.growth, null, 2)}\n`;
  return { charts, plan, comparison, files };
}

/**
 * Write report files (names may hold sub-folders) atomically: all into a temporary sibling folder first,
 * then renamed into place, so a failure never leaves a half-written report.
 */
export function writeReportFiles(dir: string, files: Record<string, string | Buffer>): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-report-${process.pid}`);
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), content);
    }
    for (const name of Object.keys(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      renameSync(join(tmp, name), join(dir, name));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
