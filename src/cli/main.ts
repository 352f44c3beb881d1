import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { run, writeOutputs } from "../api.js";
import { InputError, isInputError } from "../errors.js";
import { summaryTable } from "../report/table.js";
import { loadScenario } from "../scenario/load.js";
import { scenarioJsonSchema } from "../scenario/schema.js";

const VERSION: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

function seedOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("the seed is a non-negative integer");
  return n;
}

export function buildCli(): Command {
  const program = new Command("scalesim")
    .description("Deterministic simulator of AWS container autoscaling: replay a load trace, get cost and latency.")
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });

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
      const failed = Object.values(out.summary.platforms).some((p) => p.checks.some((c) => !c.ok));
      if (failed) process.exitCode = 3;
    });

  program
    .command("validate")
    .description("check a scenario file and report the first problem with its line and column")
    .argument("<file>", "scenario YAML file")
    .action((file: string) => {
      const s = loadScenario(file);
      process.stdout.write(`${file}: ok (${Object.keys(s.platforms).length} platform${Object.keys(s.platforms).length === 1 ? "" : "s"}: ${Object.keys(s.platforms).join(", ")})\n`);
    });

  program
    .command("schema")
    .description("print the JSON Schema of scenario files (for editor completion)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

  return program;
}

/** Entry point: bad input is one line on stderr and exit code 2; anything else is a bug and shows its stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`scalesim: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

export { InputError };
