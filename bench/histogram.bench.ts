/**
 * Records per second of LogHistogram.record against a baseline that pushes into a plain array and
 * sorts it (the exact way to get percentiles), median of 5 runs each. Also the per-tick cost of the
 * O(1) Erlang C the fluid model calls.
 *
 *   npx tsx bench/histogram.bench.ts
 */
import { stream } from "../src/engine/rng.js";
import { LogHistogram } from "../src/models/latency/histogram.js";
import { erlangC, erlangCFast } from "../src/models/latency/queueing.js";
import { printBenchHeader } from "./env.js";

printBenchHeader("histogram");

const N = 2_000_000;
const RUNS = 5;

// Lognormal latencies around 50 ms with a heavy tail: a realistic spread of buckets.
const rng = stream(1, "bench.histogram");
const values = new Float64Array(N);
for (let i = 0; i < N; i++) values[i] = Math.exp(Math.log(50) + 1.2 * rng.normal());
const weights = new Float64Array(N);
for (let i = 0; i < N; i++) weights[i] = 0.5 + rng.next() * 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Run `body` RUNS times after one warm-up; return the median rate in operations per second. */
function rate(ops: number, body: () => number): { perSecond: number; check: number } {
  let check = body();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    check += body();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { perSecond: ops / median(times), check };
}

const h = new LogHistogram();
const rows: [string, { perSecond: number; check: number }][] = [];

rows.push([
  "LogHistogram.record(v)",
  rate(N, () => {
    h.reset();
    for (let i = 0; i < N; i++) h.record(values[i]);
    return h.quantile(0.99);
  }),
]);

rows.push([
  "LogHistogram.record(v, fractional w)",
  rate(N, () => {
    h.reset();
    for (let i = 0; i < N; i++) h.record(values[i], weights[i]);
    return h.quantile(0.99);
  }),
]);

rows.push([
  "baseline: array push + sort + p99",
  rate(N, () => {
    const a: number[] = [];
    for (let i = 0; i < N; i++) a.push(values[i]);
    a.sort((x, y) => x - y);
    return a[Math.floor(0.99 * (a.length - 1))];
  }),
]);

rows.push([
  "baseline: Float64Array copy + sort + p99",
  rate(N, () => {
    const a = new Float64Array(N);
    for (let i = 0; i < N; i++) a[i] = values[i];
    a.sort();
    return a[Math.floor(0.99 * (a.length - 1))];
  }),
]);

const CALLS = 1_000_000;
rows.push([
  "erlangCFast(c = 40..295, ρ ≈ 0.9) calls",
  rate(CALLS, () => {
    let s = 0;
    for (let i = 0; i < CALLS; i++) {
      const c = 40 + (i & 255);
      s += erlangCFast(c, 0.9 * c);
    }
    return s;
  }),
]);
rows.push([
  "erlangC exact recursion, same inputs",
  rate(CALLS, () => {
    let s = 0;
    for (let i = 0; i < CALLS; i++) {
      const c = 40 + (i & 255);
      s += erlangC(c, 0.9 * c);
    }
    return s;
  }),
]);

const base = rows[2][1].perSecond;
console.log(`node ${process.version}, N = ${N.toLocaleString("en-US")} values, median of ${RUNS} runs`);
console.log(
  `LogHistogram: α = ${h.relativeAccuracy}, ${h.bucketCount} buckets (${((h.bucketCount * 8) / 1024).toFixed(1)} KiB)`,
);
rows.forEach(([name, r], i) => {
  const perSec = `${(r.perSecond / 1e6).toFixed(1)} M/s`.padStart(11);
  const rel = i < 4 ? `  ×${(r.perSecond / base).toFixed(1)} vs array push+sort` : "";
  console.log(`${name.padEnd(42)} ${perSec}${rel}`);
});
// Keep results observable so the loops cannot be optimised away.
console.log(`(checksum ${rows.reduce((s, [, r]) => s + r.check, 0).toPrecision(6)})`);
