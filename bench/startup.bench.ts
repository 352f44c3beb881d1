/**
 * Start-up of the compiled CLI as a user feels it: whole processes of `node bin/scalesim.js --version`
 * (and `validate` of a small scenario, which loads the scenario schema but no simulator or report code),
 * median of several runs, beside the baseline of a bare `node -e ""` timed the same way in the same
 * script. Goal: `--version` within 0.15 s on the project's idle 2-core machine. Needs `npm run build`.
 *
 *   npx tsx bench/startup.bench.ts [runs]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compiledCli, median, printBenchHeader, timeProcesses } from "./env.js";

printBenchHeader("startup");

const runs = Number(process.argv[2] ?? 9);
const { root, cli } = compiledCli();

/** Median wall time in ms of `node args...` as a whole process, alternating with the other cases. */
const cases: [string, string[]][] = [
  ['baseline: node -e ""', ["-e", ""]],
  ["scalesim --version", [cli, "--version"]],
  ["scalesim --help", [cli, "--help"]],
  ["scalesim validate scenarios/checkout-api.yaml", [cli, "validate", "scenarios/checkout-api.yaml"]],
];
const times = timeProcesses(cases, runs, root);
/**
 * In-process: the time to import the CLI and build its commands, measured inside a fresh process, on
 * what bin/scalesim.js runs (dist/bundle/main.js when `npm run build` made it, else dist/cli/main.js).
 */
const inProcess: number[] = [];
const bundled = existsSync(fileURLToPath(new URL("../dist/bundle/main.js", import.meta.url)));
const entry = bundled ? "bundle/main.js" : "cli/main.js";
const mainUrl = new URL(`../dist/${entry}`, import.meta.url).href;
const probe = `const t0 = performance.now(); const m = await import(${JSON.stringify(mainUrl)}); m.buildCli(); console.log(performance.now() - t0);`;
for (let r = 0; r < runs; r++) {
  const p = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
    cwd: root,
    encoding: "utf8",
  });
  if (p.status !== 0) throw new Error(`in-process probe exited ${p.status}: ${p.stderr}`);
  inProcess.push(Number(p.stdout.trim()));
}
const base = median(times.get(cases[0][0])!);
console.log(`whole processes, median of ${runs} runs each (interleaved)`);
for (const [name] of cases) {
  const m = median(times.get(name)!);
  const over = name.startsWith("baseline")
    ? ""
    : `  (+${(m - base).toFixed(0)} ms over bare node, ${(m / base).toFixed(2)}×)`;
  console.log(`${name.padEnd(50)} ${(m / 1000).toFixed(3)} s${over}`);
}
console.log(
  `in-process: import dist/${entry} + buildCli(), median ${median(inProcess).toFixed(0)} ms of ${runs} fresh processes`,
);
