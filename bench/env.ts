/**
 * What every benchmark prints first: the machine, the commit and how loaded the machine was, so a figure
 * is never read without the conditions it was measured in. Absolute rates move with the load; the ratios
 * each benchmark takes against its baseline in the same process hold far better.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

/** The commit of the tree the benchmark runs from (with "+changes" when the tree differs from it). */
export function benchCommit(): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: new URL("..", import.meta.url), encoding: "utf8" }).trim();
  try {
    const head = git("rev-parse", "--short=12", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") ? `${head}+changes` : head;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `${availableParallelism()} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load}`;
}

/** Median of a sample (the upper one of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The header line pair every benchmark prints. */
export function printBenchHeader(name: string): void {
  console.log(`# ${name}: commit ${benchCommit()}, ${new Date().toISOString()}`);
  console.log(`# machine: ${machineLine()}`);
}

/**
 * The project's root and its compiled CLI (bin/scalesim.js); exits with a message when dist/ is missing,
 * since the whole-process benchmarks time what `npm run build` made.
 */
export function compiledCli(): { root: string; cli: string } {
  if (!existsSync(fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)))) {
    console.log("dist/ is missing: run `npm run build` first");
    process.exit(1);
  }
  return {
    root: fileURLToPath(new URL("..", import.meta.url)),
    cli: fileURLToPath(new URL("../bin/scalesim.js", import.meta.url)),
  };
}

/**
 * Wall times in ms of `node args…` as whole processes, `runs` of each case, interleaved so that a change
 * in the machine's load falls on every case alike.
 */
export function timeProcesses(cases: [string, string[]][], runs: number, cwd: string): Map<string, number[]> {
  const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, args] of cases) {
      const t0 = process.hrtime.bigint();
      const p = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (p.status !== 0) throw new Error(`${name} exited ${p.status}: ${p.stderr}`);
      (times.get(name) as number[]).push(ms);
    }
  }
  return times;
}
