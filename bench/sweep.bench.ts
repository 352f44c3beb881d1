/**
 * Sweep throughput: the variants of a sweep file (default bench/sweep-16.yaml: 16 variants of the bundled
 * 62-day trace) run with 1 and with 2 worker threads, each pass into a fresh folder (worker start-up and
 * trace loading included), beside the baseline in the same script: 2 workers that each read the trace
 * themselves (`shareTraffic: false`, how sweeps ran before the trace was read once and shared). Prints
 * each case's median wall time, the cores the process used (CPU time / wall time), variants per minute,
 * the speed-up of 2 workers over 1 (goal ≥ 1.85 on 2 cores), the process's peak RSS, and checks that every
 * case wrote the same `sweep.csv`.
 *
 *   npx tsx bench/sweep.bench.ts [repeats] [sweep file] [first N runs]
 *   npx tsx bench/sweep.bench.ts 1 bench/sweep-1000-7d.yaml      # the 1,000-variant 7-day sweep
 *
 * Run `npm run build` first: workers load the compiled dist/ when it is not older than src/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { loadSweepPlan } from "../src/sweep/plan.js";
import { workerEntry } from "../src/sweep/pool.js";
import { runSweep } from "../src/sweep/run.js";
import { median, printBenchHeader } from "./env.js";

printBenchHeader("sweep");

const repeats = Number(process.argv[2] ?? 3);
const file = process.argv[3]
  ? resolve(process.argv[3])
  : new URL("./sweep-16.yaml", import.meta.url).pathname;
const t0 = performance.now();
const full = loadSweepPlan(file);
const planMs = performance.now() - t0;
const limit = Number(process.argv[4] ?? full.runs.length);
const plan = { ...full, runs: full.runs.slice(0, limit) };

/**
 * CPU seconds of each thread of this process by thread id (Linux: /proc/self/task/<tid>/stat, utime +
 * stime); empty elsewhere. The threads that exist before a sweep are the main thread and V8's and libuv's
 * helpers (V8's run JIT compilation and garbage collection); the threads started during it are the
 * workers. Unlike wall time, the split holds on a machine busy with other work: it shows how much of a
 * sweep's CPU is neither the main thread nor the simulations.
 */
function threadCpuS(): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync("/proc/self/task")) return out;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ");
      // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU seconds since `before` of the main thread, of the threads that existed before, and of new ones. */
function threadSplit(before: Map<string, number>, after: Map<string, number>) {
  let helpers = 0;
  let workers = 0;
  const main = (after.get(String(process.pid)) ?? Number.NaN) - (before.get(String(process.pid)) ?? 0);
  for (const [tid, cpu] of after) {
    if (tid === String(process.pid)) continue;
    if (before.has(tid)) helpers += cpu - before.get(tid)!;
    else workers += cpu;
  }
  return after.size === 0
    ? { main: Number.NaN, helpers: Number.NaN, workers: Number.NaN }
    : { main, helpers, workers };
}

interface Case {
  name: string;
  workers: number;
  shareTraffic: boolean;
}
const cases: Case[] = [
  { name: "1 worker", workers: 1, shareTraffic: true },
  { name: "2 workers", workers: 2, shareTraffic: true },
  { name: "2 workers, each reads the trace (baseline)", workers: 2, shareTraffic: false },
];
const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const cores = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const cpuS = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const mainS = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const helperS = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const workerS = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const tables = new Map<string, string>();
for (let i = 0; i < repeats; i++) {
  for (const c of cases) {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-bench-"));
    const cpu0 = process.cpuUsage();
    const threads0 = threadCpuS();
    // Worker threads end when the pool closes: read every thread's CPU as each run finishes.
    let threads = threads0;
    const w0 = performance.now();
    const r = await runSweep(plan, {
      out: dir,
      workers: c.workers,
      shareTraffic: c.shareTraffic,
      onProgress: () => {
        threads = new Map([...threads, ...threadCpuS()]);
      },
    });
    const ms = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    wall.get(c.name)!.push(ms);
    cores.get(c.name)!.push((cpu.user + cpu.system) / 1000 / ms);
    cpuS.get(c.name)!.push((cpu.user + cpu.system) / 1e6);
    const split = threadSplit(threads0, new Map([...threads, ...threadCpuS()]));
    mainS.get(c.name)!.push(split.main);
    helperS.get(c.name)!.push(split.helpers);
    workerS.get(c.name)!.push(split.workers);
    if (r.ran !== plan.runs.length || r.failed)
      throw new Error(`expected ${plan.runs.length} ok runs, got ${r.ran} (${r.failed} failed)`);
    tables.set(c.name, readFileSync(join(dir, "sweep.csv"), "utf8"));
    rmSync(dir, { recursive: true, force: true });
  }
}
const n = plan.runs.length;
console.log(
  `${n} of ${full.runs.length} runs of ${file.split("/").pop()} (worker ${workerEntry().compiled ? "compiled dist/" : "source via tsx"}); planning ${(planMs / 1000).toFixed(2)} s on the main thread`,
);
for (const c of cases) {
  const m = median(wall.get(c.name)!);
  console.log(
    `${c.name.padEnd(44)} median ${(m / 1000).toFixed(2)} s → ${((n / m) * 60_000).toFixed(1)} variants/min, ${median(cores.get(c.name)!).toFixed(2)} cores, CPU ${median(cpuS.get(c.name)!).toFixed(1)} s: workers ${median(workerS.get(c.name)!).toFixed(1)}, V8 helpers (JIT, GC) ${median(helperS.get(c.name)!).toFixed(1)}, main thread ${median(mainS.get(c.name)!).toFixed(1)} s  (runs: ${wall
      .get(c.name)!
      .map((t) => (t / 1000).toFixed(2))
      .join(", ")})`,
  );
}
const m1 = median(wall.get(cases[0].name)!);
const m2 = median(wall.get(cases[1].name)!);
const mb = median(wall.get(cases[2].name)!);
console.log(
  `speed-up 2 vs 1 workers: ${(m1 / m2).toFixed(2)}× (goal ≥ 1.85); shared trace vs baseline on 2 workers: ${(mb / m2).toFixed(2)}×`,
);
console.log(
  `peak RSS of the process (all passes): ${(process.resourceUsage().maxRSS / 1048576).toFixed(2)} GiB`,
);
const first = tables.get(cases[0].name)!;
const differing = cases.filter((c) => tables.get(c.name) !== first).map((c) => c.name);
console.log(
  `tables identical: ${differing.length === 0 ? "yes" : `NO (${differing.join(", ")} differ from 1 worker)`}`,
);
if (differing.length > 0) process.exitCode = 1;
