import { type Command, InvalidArgumentError } from "commander";
import { prepareOutDir } from "../destinations.js";

export function multiplierOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 1)
    throw new InvalidArgumentError("the largest growth multiplier is a number above 1");
  return n;
}

function pairOption(v: string): [string, string] {
  const parts = v.split(",").map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === ""))
    throw new InvalidArgumentError("give two platform names: A,B");
  return [parts[0], parts[1]];
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write an HTML report (offline), a Markdown summary and chart images from an output folder")
    .argument("<dir>", "folder written by `scalesim run --out` or `scalesim sweep --out`")
    .option(
      "-s, --scenario <file>",
      "the scenario that produced the folder: enables the traffic-growth search",
    )
    .option("--no-growth", "skip the traffic-growth search even with --scenario")
    .option("--growth-max <x>", "largest traffic multiplier the growth search tries", multiplierOption, 8)
    .option("--compare <a,b>", "the two platforms to put side by side", pairOption)
    .option("--no-images", "skip the SVG and PNG files")
    .option("-o, --out <dir>", "write the report here instead of into <dir>")
    .option("--markdown", "also print the Markdown summary to stdout (for a PR comment)")
    .action(
      async (
        dir: string,
        opts: {
          scenario?: string;
          growth: boolean;
          growthMax: number;
          compare?: [string, string];
          images: boolean;
          out?: string;
          markdown?: boolean;
        },
      ) => {
        const { readReportDir } = await import("../../analysis/input.js");
        const { loadScenario } = await import("../../scenario/load.js");
        const { writeReport } = await import("./report-actions.js");
        const input = readReportDir(dir);
        const scenario = opts.scenario ? loadScenario(opts.scenario) : undefined;
        const target = opts.out ?? dir;
        prepareOutDir(target, opts.out ? "--out" : "<dir>");
        await writeReport(target, input, scenario, opts);
        if (opts.markdown) {
          const { readFileSync } = await import("node:fs");
          const { join } = await import("node:path");
          process.stdout.write(readFileSync(join(target, "report.md"), "utf8"));
        }
      },
    );
}
