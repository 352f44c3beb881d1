/**
 * A whole `run` of the 62-day WorldCup98 trace as a user runs it: `node bin/scalesim.js run
 * bench/fargate-62d.yaml --out DIR` (fluid, 1-s ticks, one Fargate service with target tracking), as whole
 * processes interleaved with a bare `node -e ""` (the baseline: Node's own start), median of several
 * runs; then where the time goes inside one process (import, scenario, trace, simulation, summary,
 * series.csv, writing), each phase timed in a fresh process on the compiled code. Goal: ≤ 0.8 s whole
 * process on the project's idle 2-core machine. Needs `npm run build`.
 *
 *   npx tsx bench/run-62d.bench.ts [runs]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledCli, median, printBenchHeader, timeProcesses } from "./env.js";

printBenchHeader("run-62d");

const runs = Number(process.argv[2] ?? 5);
const { root, cli } = compiledCli();
const tmp = mkdtempSync(join(tmpdir(), "scalesim-run-62d-"));
const scenario = "bench/fargate-62d.yaml";
const cases: [string, string[]][] = [
  ['baseline: node -e ""', ["-e", ""]],
  [`scalesim run ${scenario} --out DIR`, [cli, "run", scenario, "--out", join(tmp, "out"), "--quiet"]],
  // Everything a run does before it simulates (start-up, the scenario, the trace), as bin/ loads it.
  [`scalesim validate ${scenario}`, [cli, "validate", scenario]],
];
const times = timeProcesses(cases, runs, root);
const base = median(times.get(cases[0][0])!);
console.log(`whole processes, median of ${runs} runs each (interleaved)`);
for (const [name] of cases) {
  const ms = median(times.get(name)!);
  const over = name.startsWith("baseline") ? "" : `  (+${(ms - base).toFixed(0)} ms over bare node)`;
  console.log(
    `${name.padEnd(50)} ${(ms / 1000).toFixed(3)} s${over}   runs: ${times
      .get(name)!
      .map((x) => (x / 1000).toFixed(2))
      .join(", ")}`,
  );
}

/**
 * The phases of `run --out`, timed inside a fresh process on dist/ (one process per repetition). The
 * modules are imported one by one from dist/, not from the bundle bin/ runs: `import` here is the
 * unbundled cost; the `validate` line above shows start-up, scenario and trace as bin/ runs them.
 */
const dist = (p: string) => JSON.stringify(new URL(`../dist/${p}`, import.meta.url).href);
const probe = `
const ms = {}; let t = performance.now();
const lap = (k) => { const n = performance.now(); ms[k] = n - t; t = n; };
const { run, writeOutputs } = await import(${dist("api.js")});
const { loadScenario } = await import(${dist("scenario/load.js")});
const { loadTraffic } = await import(${dist("trace/index.js")});
const { simulateSeries } = await import(${dist("simulate.js")});
const { summarise } = await import(${dist("analysis/summary.js")});
const { seriesCsv, decisionsJsonl, summaryJson } = await import(${dist("output/files.js")});
lap("import");
const sc = loadScenario(${JSON.stringify(scenario)});
lap("scenario");
const tr = sc.traffic;
const series = await loadTraffic({ trace: tr.trace, gaps: tr.gaps, multiplier: tr.multiplier, timestampColumn: tr.timestampColumn, valueColumn: tr.valueColumn }, { baseDir: sc.baseDir });
lap("trace");
const res = simulateSeries(sc, series);
lap("simulate");
const summary = summarise(res, sc.slo);
lap("summary");
const files = { "summary.json": summaryJson(summary), "series.csv": seriesCsv(res), "decisions.jsonl": decisionsJsonl(res) };
lap("series.csv");
writeOutputs(${JSON.stringify(join(tmp, "phases"))}, files);
lap("write");
console.log(JSON.stringify(ms));
`;
const phases: Record<string, number[]> = {};
for (let r = 0; r < runs; r++) {
  const p = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
    cwd: root,
    encoding: "utf8",
  });
  if (p.status !== 0) throw new Error(`phase probe exited ${p.status}: ${p.stderr}`);
  for (const [k, v] of Object.entries(JSON.parse(p.stdout.trim()) as Record<string, number>))
    (phases[k] ??= []).push(v);
}
const total = Object.values(phases).reduce((s, xs) => s + median(xs), 0);
console.log(
  `in one process, median of ${runs} fresh processes (phases sum to ${total.toFixed(0)} ms, Node's start excluded):`,
);
for (const [k, xs] of Object.entries(phases))
  console.log(`  ${k.padEnd(12)} ${median(xs).toFixed(0).padStart(6)} ms`);
rmSync(tmp, { recursive: true, force: true });
