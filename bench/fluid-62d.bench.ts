/**
 * Fluid-mode speed: the bundled 62-day WorldCup98 minute trace at 1-second ticks through the core
 * example's Fargate platform. Prints simulated seconds per wall second (median of several runs) of the
 * simulation itself (trace already loaded), and of a whole `run` including reading the trace.
 *
 *   npx tsx bench/fluid-62d.bench.ts [runs] [other checkout]
 *
 * With the path of another checkout of the project (e.g. a `git worktree` of an older commit), its
 * `simulateSeries` runs on the same loaded trace, interleaved run by run with this one, and the ratio of
 * the medians is printed: a before/after that holds on a loaded machine.
 */
import { performance } from "node:perf_hooks";
import { loadScenario, simulate, simulateSeries } from "../src/index.js";
import { loadTraffic } from "../src/trace/index.js";
import { printBenchHeader } from "./env.js";

printBenchHeader("fluid-62d");

const runs = Number(process.argv[2] ?? 5);
const scenario = loadScenario(new URL("./fargate-62d.yaml", import.meta.url).pathname);
const t = scenario.traffic;
const series = await loadTraffic(
  {
    trace: t.trace,
    gaps: t.gaps,
    multiplier: t.multiplier,
    timestampColumn: t.timestampColumn,
    valueColumn: t.valueColumn,
  },
  { baseDir: scenario.baseDir },
);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Baseline in the same process: a bare loop reading the per-tick rate, the floor any tick model pays. */
function bareLoop(): number {
  const stepS = series.stepMs / 1000;
  let acc = 0;
  const ticks = series.counts.length * (series.stepMs / scenario.engine.tick);
  for (let t = 0; t < ticks; t++) {
    const idx = Math.floor((t * scenario.engine.tick) / series.stepMs);
    acc += series.counts[idx] / stepS;
  }
  return acc;
}

// The same length at one constant count (the trace's mean): every minute repeats the first, so this is
// the per-minute machinery alone, without the work each new (rate, tasks) pair costs.
const mean = series.counts.reduce((a, c) => a + c, 0) / series.counts.length;
const flat = { ...series, counts: new Float64Array(series.counts.length).fill(Math.round(mean)) };
const flatRuns: number[] = [];

const other = process.argv[3];
const otherSim: typeof simulateSeries | undefined = other
  ? (await import(new URL(`file://${other.replace(/\/$/, "")}/src/index.ts`).href)).simulateSeries
  : undefined;
const otherRuns: number[] = [];
const baseline: number[] = [];
const simOnly: number[] = [];
const whole: number[] = [];
let simulatedSeconds = 0;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const res = simulateSeries(scenario, series);
  simOnly.push(performance.now() - t0);
  simulatedSeconds = res.durationMs / 1000;
  if (otherSim) {
    const t3 = performance.now();
    otherSim(scenario, series);
    otherRuns.push(performance.now() - t3);
  }
  const t4 = performance.now();
  simulateSeries(scenario, flat);
  flatRuns.push(performance.now() - t4);
  const t2 = performance.now();
  bareLoop();
  baseline.push(performance.now() - t2);
  const t1 = performance.now();
  await simulate(scenario);
  whole.push(performance.now() - t1);
}
const ticks = simulatedSeconds / (scenario.engine.tick / 1000);
const m = median(simOnly);
const w = median(whole);
console.log(
  `trace: ${series.counts.length} minutes, ${simulatedSeconds} simulated seconds, ${ticks} ticks of ${scenario.engine.tick} ms`,
);
console.log(
  `simulation only: median ${m.toFixed(0)} ms of ${runs} runs → ${(((simulatedSeconds / m) * 1000) / 1e6).toFixed(2)} M simulated s per wall s (${((m * 1e6) / ticks).toFixed(0)} ns per tick)`,
);
console.log(
  `with trace loading: median ${w.toFixed(0)} ms → ${(((simulatedSeconds / w) * 1000) / 1e6).toFixed(2)} M simulated s per wall s`,
);
const f = median(flatRuns);
console.log(
  `constant rate (${Math.round(mean)} per minute, same length): median ${f.toFixed(0)} ms → ${(((simulatedSeconds / f) * 1000) / 1e6).toFixed(2)} M simulated s per wall s: the per-minute floor; the trace's changing rates cost the other ${(m - f).toFixed(0)} ms`,
);
const b = median(baseline);
console.log(
  `baseline bare tick loop: median ${b.toFixed(1)} ms (${((b * 1e6) / ticks).toFixed(1)} ns per tick); the model costs ${(m / b).toFixed(1)}× the bare loop`,
);
console.log(
  `runs (ms): sim ${simOnly.map((x) => x.toFixed(0)).join(", ")}; whole ${whole.map((x) => x.toFixed(0)).join(", ")}`,
);
if (otherSim) {
  const o = median(otherRuns);
  console.log(
    `other checkout ${other}: simulation only median ${o.toFixed(0)} ms → ${(((simulatedSeconds / o) * 1000) / 1e6).toFixed(2)} M simulated s per wall s; this one is ${(o / m).toFixed(2)}× faster (runs: ${otherRuns.map((x) => x.toFixed(0)).join(", ")})`,
  );
}
