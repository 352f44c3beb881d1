/**
 * Request-mode speed against SimPy 3 on the same model and size: M/M/100 at ρ = 0.9 for one hour
 * (bench/mmc-100.yaml: Poisson arrivals at 1,000/s, exponential service of mean 90 ms, one ECS task with
 * 100 worker-pool slots, FIFO, no scaling: 3.6 M requests) and bench/simpy_mmc.py (a SimPy
 * `Resource(capacity=100)` with one process per customer, 3.6 M customers). Both sides are timed the same
 * two ways:
 *  - whole process: `node bin/scalesim.js run bench/mmc-100.yaml --out DIR` (start-up, scenario, the
 *    simulation, summary and output files) against `python3 bench/simpy_mmc.py …` (interpreter start,
 *    imports, the simulation, its one JSON line);
 *  - in-process: the simulation alone (`simulate`, in a fresh process on the compiled code) against the
 *    seconds SimPy's script measures around `env.run()`.
 * Prints medians of several runs, requests (customers) per second and the ratios (goal ≥ 30× whole
 * process), and each side's mean wait against Erlang C as a check that both ran the model.
 *
 *   npx tsx bench/request-mmc.bench.ts [runs] [SimPy runs]
 *
 * Needs `npm run build`, and SimPy from Debian's python3-simpy3 (`apt-get install -y python3-simpy3`);
 * the script looks for it in $SIMPY_PYTHON, /usr/bin/python3, then python3 on the PATH, and skips the
 * comparison with a message when none has it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mmc } from "../src/models/latency/queueing.js";
import { median, printBenchHeader } from "./env.js";

printBenchHeader("request-mmc");

const runs = Number(process.argv[2] ?? 3);
const simpyRuns = Number(process.argv[3] ?? 1);
const LAMBDA = 1000;
const MEAN_MS = 90;
const MU = 1000 / MEAN_MS;
const C = 100;
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../bin/scalesim.js", import.meta.url));
const scenario = "bench/mmc-100.yaml";
if (!existsSync(fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)))) {
  console.log("dist/ is missing: run `npm run build` first");
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), "scalesim-mmc-"));
const th = mmc(LAMBDA, MU, C);
console.log(
  `M/M/${C} λ=${LAMBDA}/s μ=${MU.toFixed(3)}/s (ρ=${(LAMBDA / (C * MU)).toFixed(2)}) for 1 h, Erlang C: P(wait)=${th.probWait.toFixed(4)} E[Wq]=${(th.meanWait * 1000).toFixed(3)} ms`,
);

function wallMs(cmd: string, args: string[]): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const p = spawnSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (p.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${p.status}: ${p.stderr}`);
  return { ms, stdout: p.stdout };
}

// scalesim, whole process and in-process (the simulation alone, timed inside a fresh process).
const dist = (p: string) => JSON.stringify(new URL(`../dist/${p}`, import.meta.url).href);
const probe = `
const { loadScenario } = await import(${dist("scenario/load.js")});
const { simulate } = await import(${dist("simulate.js")});
const sc = loadScenario(${JSON.stringify(scenario)});
const t0 = performance.now();
const res = await simulate(sc);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms }));
`;
const whole: number[] = [];
const inProc: number[] = [];
let requests = 0;
let meanWaitMs = Number.NaN;
for (let i = 0; i < runs; i++) {
  const out = join(tmp, `out${i}`);
  whole.push(wallMs(process.execPath, [cli, "run", scenario, "--out", out, "--quiet"]).ms);
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  const p = summary.platforms.mmc as { requests: { served: number } };
  requests = p.requests.served;
  meanWaitMs = (summary.platforms.mmc?.latencyMs?.mean ?? Number.NaN) - MEAN_MS;
  inProc.push(JSON.parse(wallMs(process.execPath, ["--input-type=module", "-e", probe]).stdout.trim()).ms);
}
const ourWhole = median(whole);
const ourIn = median(inProc);
console.log(
  `scalesim request mode: ${requests} requests; whole process median ${(ourWhole / 1000).toFixed(2)} s (${(((requests / ourWhole) * 1000) / 1e6).toFixed(2)} M requests/s), simulation alone ${(ourIn / 1000).toFixed(2)} s (${(((requests / ourIn) * 1000) / 1e6).toFixed(2)} M requests/s), mean latency − E[S] ${meanWaitMs.toFixed(3)} ms; runs: whole ${whole.map((x) => (x / 1000).toFixed(2)).join(", ")} s, in-process ${inProc.map((x) => (x / 1000).toFixed(2)).join(", ")} s`,
);

const script = fileURLToPath(new URL("./simpy_mmc.py", import.meta.url));
const candidates = [process.env.SIMPY_PYTHON, "/usr/bin/python3", "python3"].filter((x): x is string => !!x);
const python = candidates.find((p) => spawnSync(p, ["-c", "import simpy"], { stdio: "ignore" }).status === 0);
if (!python || simpyRuns < 1) {
  console.log(
    "SimPy 3 not found (apt-get install -y python3-simpy3, or set SIMPY_PYTHON) or no SimPy runs asked: comparison skipped",
  );
} else {
  const customers = 3_600_000;
  const sWhole: number[] = [];
  const sIn: number[] = [];
  let sWait = 0;
  for (let i = 0; i < simpyRuns; i++) {
    const r = wallMs(python, [
      script,
      String(LAMBDA),
      String(MU),
      String(C),
      String(customers),
      String(i + 1),
    ]);
    const j = JSON.parse(r.stdout) as { served: number; meanWait: number; seconds: number };
    sWhole.push(r.ms);
    sIn.push(j.seconds * 1000);
    sWait = j.meanWait * 1000;
  }
  const ver = spawnSync(
    python,
    ["-c", "import simpy, sys; print(simpy.__version__, sys.version.split()[0])"],
    {
      encoding: "utf8",
    },
  ).stdout.trim();
  const w = median(sWhole);
  const s = median(sIn);
  console.log(
    `SimPy ${ver}: ${customers} customers; whole process median ${(w / 1000).toFixed(2)} s (${(((customers / w) * 1000) / 1e3).toFixed(1)} k customers/s), env.run() alone ${(s / 1000).toFixed(2)} s, mean wait ${sWait.toFixed(3)} ms; runs: ${sWhole.map((x) => (x / 1000).toFixed(2)).join(", ")} s`,
  );
  const ratioWhole = requests / ourWhole / (customers / w);
  const ratioIn = requests / ourIn / (customers / s);
  console.log(
    `ratio (per customer): whole process ${ratioWhole.toFixed(1)}× SimPy (goal ≥ 30×); in-process ${ratioIn.toFixed(1)}×`,
  );
}
rmSync(tmp, { recursive: true, force: true });
