/**
 * `npm run bench`: every benchmark in bench/ (each `*.bench.ts`), one after another, each in its own
 * process so one's heap and JIT state do not colour the next. Prints the machine and the commit, then
 * each benchmark's own output (its medians and its baseline from the same script) and how long it took.
 *
 *   npm run bench                      # all of them, each with its default number of runs
 *   npm run bench -- --quick           # fewer runs and smaller sizes (a smoke check, not a measurement)
 *   npm run bench -- fluid-62d sweep   # only the named ones
 *
 * The sweep and start-up benchmarks time the compiled CLI and workers: run `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchCommit, machineLine } from "./env.js";

/** Arguments of each benchmark in --quick mode (the defaults otherwise). */
const QUICK_ARGS: Record<string, string[]> = {
  "fluid-62d": ["2"],
  karpenter: ["2"],
  "report-62d": ["1"],
  "request-mmc": ["1", "1"],
  "run-62d": ["2"],
  startup: ["3"],
  sweep: ["1"],
  "sweep-1000": ["10"],
};

const dir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.filter((a) => !a.startsWith("--"));
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const unknown = only.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`no benchmark named ${unknown.join(", ")} (have: ${all.join(", ")})`);
  process.exit(2);
}
const chosen = only.length > 0 ? all.filter((n) => only.includes(n)) : all;

console.log(
  `scalesim benchmarks: commit ${benchCommit()}, ${new Date().toISOString()}${quick ? ", --quick" : ""}`,
);
console.log(`machine: ${machineLine()}`);
const failed: string[] = [];
for (const name of chosen) {
  console.log(`\n== ${name}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", `${dir}${name}.bench.ts`, ...(quick ? (QUICK_ARGS[name] ?? []) : [])],
    { stdio: "inherit", cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) failed.push(name);
  console.log(
    `== ${name}: ${r.status === 0 ? "done" : `FAILED (exit ${r.status ?? r.signal})`} in ${s.toFixed(1)} s`,
  );
}
console.log(
  `\n${chosen.length - failed.length} of ${chosen.length} benchmarks ran${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
);
if (failed.length > 0) process.exitCode = 1;
