/**
 * What every benchmark prints first: the machine, the commit and how loaded the machine was, so a figure
 * is never read without the conditions it was measured in. Absolute rates move with the load; the ratios
 * each benchmark takes against its baseline in the same process hold far better.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

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
