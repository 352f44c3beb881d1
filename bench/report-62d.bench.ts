/**
 * Report speed on a long run: the 62-day WorldCup98 trace (89,280 minutes) through the core example's
 * Fargate platform, then the report built from its output files. Prints the median time of the report
 * with charts downsampled to CHART_POINT_CAP points per line, against the same report drawing every
 * minute (the baseline), with and without SVG/PNG rendering, and the HTML size of each.
 *
 *   npx tsx bench/report-62d.bench.ts [runs]
 */
import { performance } from "node:perf_hooks";
import { loadScenario, run } from "../src/index.js";
import { buildReport } from "../src/render/build.js";
import { CHART_POINT_CAP } from "../src/render/downsample.js";
import { parseReportFiles } from "../src/analysis/input.js";
import { printBenchHeader } from "./env.js";

printBenchHeader("report-62d");

const runs = Number(process.argv[2] ?? 3);
const scenario = loadScenario(new URL("./fargate-62d.yaml", import.meta.url).pathname);
const out = await run(scenario);
const minutes = out.result.platforms[0].minutes.minutes;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(label: string, pointCap: number, images: boolean): Promise<number> {
  const ms: number[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const input = parseReportFiles(out.files);
    const report = await buildReport(input, { pointCap, images });
    ms.push(performance.now() - t0);
    htmlBytes = Buffer.byteLength(report.files["report.html"] as string);
  }
  const m = median(ms);
  console.log(
    `${label.padEnd(44)} median ${(m / 1000).toFixed(2)} s over ${runs} runs; report.html ${(htmlBytes / 1048576).toFixed(1)} MiB`,
  );
  return m;
}

console.log(`report of ${minutes} minutes × ${out.result.platforms.length} platform(s)`);
const capped = await time(`cap ${CHART_POINT_CAP} points, HTML + Markdown`, CHART_POINT_CAP, false);
const full = await time("every minute (baseline), HTML + Markdown", Number.POSITIVE_INFINITY, false);
const cappedImages = await time(`cap ${CHART_POINT_CAP} points, with SVG + PNG`, CHART_POINT_CAP, true);
const fullImages = await time("every minute (baseline), with SVG + PNG", Number.POSITIVE_INFINITY, true);
console.log(
  `speed-up from the cap: ${(full / capped).toFixed(1)}× (HTML), ${(fullImages / cappedImages).toFixed(1)}× (with images)`,
);
