import type { Command } from "commander";
import { prepareOutDir } from "../destinations.js";
import { InvalidArgumentError } from "commander";
import { availableParallelism } from "node:os";
import { parseShard } from "../../sweep/shard.js";
import type { Shard } from "../../sweep/store.js";
import { seedOption } from "../options.js";

function countOption(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    return n;
  };
}

function shardOption(v: string): Shard {
  const s = parseShard(v);
  if (typeof s === "string") throw new InvalidArgumentError(s);
  return s;
}

interface SweepOpts {
  out?: string;
  workers?: number;
  seed?: number;
  seeds?: "common" | "independent";
  replications?: number;
  shard?: Shard;
  fresh?: boolean;
  retryFailed?: boolean;
  quiet?: boolean;
  list?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("run every variant of a scenario's sweep: block on worker threads and rank the results")
    .argument("<file>", "scenario with a sweep: block, or a sweep file with base: and sweep:")
    .option(
      "-o, --out <dir>",
      "output folder (runs.jsonl, sweep.csv, sweep.json, ranking.txt); default results/<name>-sweep",
    )
    .option(
      "-w, --workers <n>",
      // availableParallelism() is sweep/pool.ts's defaultWorkers(), without loading the pool at start-up.
      `worker threads; 0 runs on the main thread (default ${availableParallelism()})`,
      countOption(0),
    )
    .option("--seed <n>", "override the base scenario's seed", seedOption)
    .option(
      "--seeds <mode>",
      "common (same random streams for every variant, the default) or independent",
      (v: string) => {
        if (v !== "common" && v !== "independent")
          throw new InvalidArgumentError("expected common or independent");
        return v;
      },
    )
    .option(
      "--replications <n>",
      "runs per variant with different seeds; the table shows means and confidence intervals",
      countOption(1),
    )
    .option(
      "--shard <i/N>",
      "run only slice i of N (0-based); auto reads JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX",
      shardOption,
    )
    .option("--fresh", "ignore runs already in the output folder and start over")
    .option("--retry-failed", "run again the runs recorded as failed")
    .option("-q, --quiet", "no progress output")
    .option("--list", "validate and list the variants without running them")
    .action(async (file: string, opts: SweepOpts) => {
      const { listSweep, loadSweepPlan } = await import("../../sweep/plan.js");
      const planOptions = { seed: opts.seed, seeds: opts.seeds, replications: opts.replications };
      if (opts.list) {
        // Listed one variant at a time: a million variants never sit in memory at once.
        const list = listSweep(file, planOptions);
        let chunk: string[] = [];
        for (let i = 0; i < list.variants; i++) {
          chunk.push(list.line(i));
          if (chunk.length === 4096) {
            process.stdout.write(`${chunk.join("\n")}\n`);
            chunk = [];
          }
        }
        if (chunk.length) process.stdout.write(`${chunk.join("\n")}\n`);
        process.stdout.write(`${file}: ok (${list.variants} variants, ${list.runs} runs)\n`);
        return;
      }
      const plan = loadSweepPlan(file, planOptions);
      const { multiplierWarning } = await import("../../sweep/warnings.js");
      const warning = multiplierWarning(plan);
      if (warning) process.stderr.write(`warning: ${warning}\n`);
      const out = opts.out ?? `results/${plan.scenario.replace(/[^A-Za-z0-9_.-]+/g, "-")}-sweep`;
      prepareOutDir(out, "--out");
      const { createProgress, progressMode } = await import("../../sweep/progress.js");
      const { runSweep } = await import("../../sweep/run.js");
      const progress = createProgress(progressMode({ quiet: opts.quiet, isTty: process.stderr.isTTY }));
      const abort = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        process.stderr.write(
          "\nscalesim: stopping after the runs in progress (Ctrl-C again to quit now); rerun the same command to resume\n",
        );
        abort.abort();
      };
      process.on("SIGINT", onSigint);
      let state = { done: 0, total: 0, failed: 0 };
      try {
        const result = await runSweep(plan, {
          out,
          workers: opts.workers,
          shard: opts.shard,
          fresh: opts.fresh,
          retryFailed: opts.retryFailed,
          signal: abort.signal,
          onStart: (s) => {
            state = s;
            if (!opts.quiet) {
              const where =
                opts.shard && opts.shard.count > 1 ? `shard ${opts.shard.index}/${opts.shard.count}: ` : "";
              const resumed = s.resumed ? `, ${s.resumed} already done in ${out}` : "";
              process.stderr.write(
                `${where}${s.total} runs of ${plan.variants.length} variants on ${s.threads || "no"} thread${s.threads === 1 ? "" : "s"}${resumed}\n`,
              );
            }
            progress.start(s);
          },
          onProgress: (s) => {
            state = s;
            progress.update(s);
          },
        });
        progress.stop(state);
        if (result.interrupted) {
          process.stderr.write(
            `scalesim: interrupted with ${result.total - result.resumed - result.ran} runs left; rerun to resume\n`,
          );
          process.exitCode = 130;
          return;
        }
        if (result.ranking) {
          process.stdout.write(result.ranking);
          process.stdout.write(`wrote runs.jsonl, sweep.csv, sweep.json, ranking.txt to ${out}\n`);
        } else {
          process.stdout.write(
            `shard ${opts.shard?.index}/${opts.shard?.count}: ${result.total} runs (${result.failed} failed) in ${out}/runs.jsonl; combine the shards with scalesim merge\n`,
          );
        }
        // Thresholds gate a sweep on its best configuration: it fails (exit 1) when no variant meets them.
        const gated = result.table?.rows.filter((r) => r.thresholdsOk !== null) ?? [];
        if (gated.length > 0) {
          const passing = gated.filter((r) => r.status === "ok" && r.thresholdsOk === true);
          const line = `thresholds: ${passing.length} of ${gated.length} variant-platform rows meet every threshold`;
          if (passing.length === 0) {
            process.stderr.write(`${line}; no configuration passes\n`);
            process.exitCode = 1;
          } else if (!opts.quiet) process.stderr.write(`${line}\n`);
        }
        // A failed run or a failed invariant check is not the user's input: exit 3, as `run` does.
        const badChecks = result.table?.rows.some((r) => r.status === "ok" && !r.checksOk) ?? false;
        if (result.failed > 0 || badChecks) process.exitCode = 3;
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}
