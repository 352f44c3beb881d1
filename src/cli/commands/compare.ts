import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import type { Summary } from "../../analysis/summary.js";
import { seedOption } from "../options.js";

/** The summary to compare: an output folder's summary.json, or a scenario run now. */
async function summaryOf(source: string, seed: number | undefined): Promise<Summary> {
  if (existsSync(source) && statSync(source).isDirectory()) {
    const { readReportDir } = await import("../../analysis/input.js");
    const input = readReportDir(source);
    if (!input.summary)
      throw new InputError("has no summary.json to compare platforms from", { file: source });
    return input.summary;
  }
  const { loadScenario } = await import("../../scenario/load.js");
  const { run } = await import("../../api.js");
  const scenario = loadScenario(source);
  return (await run(scenario, { seed })).summary;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "put two platforms side by side: cost, where the difference comes from, break-even utilisation",
    )
    .argument("<source>", "an output folder (with summary.json) or a scenario file to run")
    .argument("[a]", "first platform (default: the EC2 or other non-Fargate platform)")
    .argument("[b]", "second platform (default: the Fargate platform)")
    .option("--seed <n>", "override the scenario's seed when <source> is a scenario", seedOption)
    .option("--json", "print the comparison as JSON")
    .action(
      async (
        source: string,
        a: string | undefined,
        b: string | undefined,
        opts: { seed?: number; json?: boolean },
      ) => {
        const { choosePair, compare, comparisonText } = await import("../../analysis/compare.js");
        const summary = await summaryOf(source, opts.seed);
        const pair = choosePair(summary, a, b);
        if (typeof pair === "string") throw new InputError(pair, { file: source });
        const c = compare(summary, pair[0], pair[1]);
        process.stdout.write(opts.json ? `${JSON.stringify(c, null, 2)}\n` : `${comparisonText(c)}\n`);
      },
    );
}
