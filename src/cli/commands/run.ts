import type { Command } from "commander";
import { run, writeOutputs } from "../../api.js";
import { summaryTable } from "../../report/table.js";
import { loadScenario } from "../../scenario/load.js";
import { seedOption } from "../options.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("simulate a scenario and print a summary")
    .argument("<file>", "scenario YAML file")
    .option("-o, --out <dir>", "write summary.json, series.csv and decisions.jsonl into this folder")
    .option("--seed <n>", "override the scenario's seed", seedOption)
    .option("--json", "print summary.json to stdout instead of the table")
    .action(async (file: string, opts: { out?: string; seed?: number; json?: boolean }) => {
      const scenario = loadScenario(file);
      const out = await run(scenario, { seed: opts.seed });
      if (opts.out) writeOutputs(opts.out, out.files);
      if (opts.json) process.stdout.write(out.files["summary.json"]);
      else {
        process.stdout.write(`${summaryTable(out.summary)}\n`);
        if (opts.out) process.stdout.write(`wrote ${Object.keys(out.files).join(", ")} to ${opts.out}\n`);
      }
      // A failed invariant is a simulator bug, not a user error: say so through the exit code.
      const failed = Object.values(out.summary.platforms).some((p) => p.checks.some((c) => !c.ok));
      if (failed) process.exitCode = 3;
    });
}
