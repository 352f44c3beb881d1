import type { Command } from "commander";
import { prepareOutDir } from "../destinations.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("combine the output folders of sweep shards into the table a single run gives")
    .argument("<dirs...>", "output folders of `scalesim sweep --shard i/N`")
    .requiredOption(
      "-o, --out <dir>",
      "folder for the merged runs.jsonl, sweep.csv, sweep.json and ranking.txt",
    )
    .option("--allow-partial", "merge even when runs are missing (their rows say status missing)")
    .option("-q, --quiet", "do not print the ranking")
    .action(async (dirs: string[], opts: { out: string; allowPartial?: boolean; quiet?: boolean }) => {
      prepareOutDir(opts.out, "--out");
      const { mergeSweeps } = await import("../../sweep/merge.js");
      const r = mergeSweeps(dirs, opts.out, { allowPartial: opts.allowPartial });
      if (!opts.quiet) process.stdout.write(r.ranking);
      process.stdout.write(
        `merged ${r.dirs} folder${r.dirs === 1 ? "" : "s"} into ${opts.out}${r.missing ? ` (${r.missing} runs missing)` : ""}\n`,
      );
      if (r.table.runs.failed > 0) process.exitCode = 3;
    });
}
