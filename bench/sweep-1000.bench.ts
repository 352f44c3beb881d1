/**
 * The 1,000-variant sweep of a 7-day window (bench/sweep-1000-7d.yaml: target × scale-out cooldown ×
 * scale-in cooldown × traffic multiplier) as a user runs it: `node bin/scalesim.js sweep
 * bench/sweep-1000-7d.yaml --workers 2 --out DIR`, one whole process, timed from outside, with its peak
 * RSS (GNU time's %M when /usr/bin/time exists). With a shard count K it runs only shard 0/K (1,000/K
 * variants) and also prints the whole sweep's wall time extrapolated from it; running K = 10 and K = 1
 * shows whether memory grows with the number of variants. Goal: ≤ 45 s wall on 2 workers, peak RSS
 * ≤ 1.5 GiB, on the project's idle 2-core machine. Needs `npm run build`.
 *
 *   npx tsx bench/sweep-1000.bench.ts [K = 1] [workers = 2]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledCli, printBenchHeader } from "./env.js";

printBenchHeader("sweep-1000");

const shards = Number(process.argv[2] ?? 1);
const workers = Number(process.argv[3] ?? 2);
const { root, cli } = compiledCli();
const out = mkdtempSync(join(tmpdir(), "scalesim-sweep-1000-"));
const args = [
  cli,
  "sweep",
  "bench/sweep-1000-7d.yaml",
  "--workers",
  String(workers),
  "--fresh",
  "--quiet",
  "--out",
  out,
];
if (shards > 1) args.push("--shard", `0/${shards}`);
const gnuTime = existsSync("/usr/bin/time");
const cmd = gnuTime ? "/usr/bin/time" : process.execPath;
const full = gnuTime ? ["-f", "%e %M %U %S", process.execPath, ...args] : args;
const t0 = process.hrtime.bigint();
const p = spawnSync(cmd, full, { cwd: root, encoding: "utf8" });
const s = Number(process.hrtime.bigint() - t0) / 1e9;
if (p.status !== 0) throw new Error(`sweep exited ${p.status}: ${p.stderr}`);
const runs = readFileSync(join(out, "runs.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.length > 0).length;
let rss = "unknown (no /usr/bin/time)";
let cpu = "";
if (gnuTime) {
  const last = p.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  rss = `${(last[1] / 1048576).toFixed(2)} GiB`;
  cpu = `, CPU ${(last[2] + last[3]).toFixed(1)} s (${((last[2] + last[3]) / runs).toFixed(3)} s per variant)`;
}
console.log(
  `${runs} variants${shards > 1 ? ` (shard 0/${shards} of 1000)` : ""} on ${workers} workers, whole process: ${s.toFixed(1)} s wall${cpu}, peak RSS ${rss}`,
);
if (shards > 1)
  console.log(`extrapolated to 1,000 variants: ${((s * 1000) / runs).toFixed(0)} s wall (goal ≤ 45 s)`);
rmSync(out, { recursive: true, force: true });
