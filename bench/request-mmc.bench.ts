/**
 * Request-mode speed on an M/M/c workload, side by side with SimPy 3 running the same model
 * (bench/simpy_mmc.py): Poisson arrivals at λ, exponential service at μ, c servers, FIFO, one ECS task
 * with `concurrency: c` behind the ALB. Prints requests per wall second for both and the ratio
 * (goal: at least 20×), and each side's mean wait against Erlang C as a check that both ran the model.
 *
 *   npx tsx bench/request-mmc.bench.ts [customers] [runs]
 *
 * SimPy comes from Debian's python3-simpy3 (`apt-get install -y python3-simpy3`); the script looks for
 * it in $SIMPY_PYTHON, /usr/bin/python3, then python3 on the PATH, and skips the comparison with a
 * message when none has it.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { Exponential } from "../src/models/latency/distributions.js";
import { mmc } from "../src/models/latency/queueing.js";
import { steadyState } from "../test/models/traffic/request-harness.js";
import { printBenchHeader } from "./env.js";

printBenchHeader("request-mmc");

const customers = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);
// λ = 9/s, μ = 1.25/s, c = 8: ρ = 0.9 (time unit 1 s; service mean 800 ms).
const LAMBDA = 9;
const MU = 1.25;
const C = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const th = mmc(LAMBDA, MU, C);
const durationMs = Math.ceil(customers / LAMBDA / 60) * 60_000;
const ours: number[] = [];
let served = 0;
let wait = 0;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = steadyState(
    {
      seed: i + 1,
      lambda: LAMBDA,
      service: new Exponential(1000 / MU),
      concurrency: C,
      model: "worker-pool",
      tasks: 1,
      durationMs,
    },
    0,
  );
  const wall = performance.now() - t0;
  served = r.served;
  wait = r.meanWaitMs / 1000;
  ours.push(served / (wall / 1000));
}
const oursRate = median(ours);
console.log(
  `M/M/${C} λ=${LAMBDA}/s μ=${MU}/s (ρ=${(LAMBDA / (C * MU)).toFixed(2)}), Erlang C: P(wait)=${th.probWait.toFixed(4)} E[Wq]=${th.meanWait.toFixed(4)} s`,
);
console.log(
  `scalesim request mode: ${served} requests per run, median ${(oursRate / 1e6).toFixed(2)} M requests/s of ${runs} runs (mean wait ${wait.toFixed(4)} s); runs: ${ours.map((x) => (x / 1e6).toFixed(2)).join(", ")} M/s`,
);

const script = new URL("./simpy_mmc.py", import.meta.url).pathname;
const candidates = [process.env.SIMPY_PYTHON, "/usr/bin/python3", "python3"].filter((x): x is string => !!x);
const python = candidates.find((p) => spawnSync(p, ["-c", "import simpy"], { stdio: "ignore" }).status === 0);
if (!python) {
  console.log(
    "SimPy 3 not found (apt-get install -y python3-simpy3, or set SIMPY_PYTHON): comparison skipped",
  );
} else {
  // SimPy is slower: a fifth of the customers keeps its run short; the rate is per customer either way.
  const n = Math.max(50_000, Math.floor(customers / 5));
  const rates: number[] = [];
  let simpyWait = 0;
  for (let i = 0; i < 3; i++) {
    const out = spawnSync(python, [script, String(LAMBDA), String(MU), String(C), String(n), String(i + 1)], {
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(`SimPy run failed: ${out.stderr}`);
    const j = JSON.parse(out.stdout) as { served: number; meanWait: number; seconds: number };
    rates.push(j.served / j.seconds);
    simpyWait = j.meanWait;
  }
  const simpyRate = median(rates);
  const ver = spawnSync(
    python,
    ["-c", "import simpy, sys; print(simpy.__version__, sys.version.split()[0])"],
    { encoding: "utf8" },
  ).stdout.trim();
  console.log(
    `SimPy ${ver}: ${n} requests per run, median ${(simpyRate / 1e3).toFixed(1)} k requests/s of 3 runs (mean wait ${simpyWait.toFixed(4)} s)`,
  );
  console.log(`ratio: scalesim request mode is ${(oursRate / simpyRate).toFixed(1)}× SimPy (goal ≥ 20×)`);
}
