/**
 * Sweep throughput: 64 variants of the bundled 62-day trace (bench/sweep-64.yaml) run with 1 and with 2
 * worker threads, each into a fresh folder (worker start-up and trace loading included). Prints the median
 * wall time of each, the speed-up of 2 workers over 1 (goal ≥ 1.8 on 2 cores), variants per minute, and
 * checks that both wrote the same table.
 *
 *   npx tsx bench/sweep.bench.ts [repeats]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadSweepPlan } from "../src/sweep/plan.js";
import { workerEntry } from "../src/sweep/pool.js";
import { runSweep } from "../src/sweep/run.js";
import { printBenchHeader } from "./env.js";

printBenchHeader("sweep");

const repeats = Number(process.argv[2] ?? 3);
const plan = loadSweepPlan(new URL("./sweep-64.yaml", import.meta.url).pathname);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const times: Record<number, number[]> = { 1: [], 2: [] };
const tables: Record<number, string> = {};
for (let i = 0; i < repeats; i++) {
  for (const workers of [1, 2]) {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-bench-"));
    const t0 = performance.now();
    const r = await runSweep(plan, { out: dir, workers });
    times[workers].push(performance.now() - t0);
    if (r.ran !== plan.runs.length || r.failed)
      throw new Error(`expected ${plan.runs.length} ok runs, got ${r.ran} (${r.failed} failed)`);
    tables[workers] = readFileSync(join(dir, "sweep.csv"), "utf8");
    rmSync(dir, { recursive: true, force: true });
  }
}
const m1 = median(times[1]);
const m2 = median(times[2]);
const n = plan.variants.length;
console.log(
  `${n} variants of ${plan.baseFile.split("/").pop()} (${availableParallelism()} cores, worker ${workerEntry().compiled ? "compiled dist/" : "source via tsx"})`,
);
console.log(
  `1 worker:  median ${(m1 / 1000).toFixed(2)} s → ${((n / m1) * 60_000).toFixed(1)} variants/min  (runs: ${times[1].map((t) => (t / 1000).toFixed(2)).join(", ")})`,
);
console.log(
  `2 workers: median ${(m2 / 1000).toFixed(2)} s → ${((n / m2) * 60_000).toFixed(1)} variants/min  (runs: ${times[2].map((t) => (t / 1000).toFixed(2)).join(", ")})`,
);
console.log(`speed-up 2 vs 1 workers: ${(m1 / m2).toFixed(2)}× (goal ≥ 1.8)`);
if (tables[1] === tables[2]) console.log("tables identical: yes");
else {
  const a = tables[1].split("\n");
  const b = tables[2].split("\n");
  const at = a.findIndex((line, i) => line !== b[i]);
  console.log(
    `tables identical: NO (first difference on line ${at + 1}:\n  1 worker:  ${a[at]}\n  2 workers: ${b[at]})`,
  );
  process.exitCode = 1;
}
