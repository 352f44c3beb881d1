import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { seedOption } from "../options.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("simulate a scenario and print a summary")
    .argument("<file>", "scenario YAML file")
    .option("-o, --out <dir>", "write summary.json, series.csv and decisions.jsonl into this folder")
    .option("--seed <n>", "override the scenario's seed", seedOption)
    .option("--json", "print summary.json to stdout instead of the table")
    .option(
      "--events <file>",
      "write the simulated ECS task state changes as EventBridge JSON lines (docs/task-events.md)",
    )
    .option("--report", "also write report.html, report.md and chart images into the --out folder")
    .option("--no-growth", "with --report: skip the traffic-growth search")
    .action(
      async (
        file: string,
        opts: {
          out?: string;
          seed?: number;
          json?: boolean;
          events?: string;
          report?: boolean;
          growth: boolean;
        },
      ) => {
        // Loaded here, not at start-up: `--version` and `--help` need none of the simulator.
        const { loadScenario } = await import("../../scenario/load.js");
        const { run, writeOutputs } = await import("../../api.js");
        const { summaryTable } = await import("../../report/table.js");
        const { checkRunThresholds, reportAfterRun } = await import("./report.js");
        const scenario = loadScenario(file);
        if (opts.report && !opts.out)
          throw new InputError("--report needs --out DIR to write the report into", { path: "--report" });
        const out = await run(scenario, { seed: opts.seed });
        const thresholds = await checkRunThresholds(scenario, out);
        if (opts.out) writeOutputs(opts.out, out.files);
        if (opts.events) {
          const { writeTaskEvents } = await import("../../report/task-events.js");
          writeTaskEvents(opts.events, out.result);
        }
        if (opts.json) process.stdout.write(out.files["summary.json"]);
        else {
          process.stdout.write(`${summaryTable(out.summary)}\n`);
          if (opts.out) process.stdout.write(`wrote ${Object.keys(out.files).join(", ")} to ${opts.out}\n`);
        }
        if (thresholds.text) (opts.json ? process.stderr : process.stdout).write(`${thresholds.text}\n`);
        if (opts.report && opts.out) await reportAfterRun(opts.out, scenario, out, { growth: opts.growth });
        // A failed threshold is the gate a CI job waits for: exit code 1.
        if (!thresholds.passed) process.exitCode = 1;
        // A failed invariant is a simulator bug, not a user error: say so through the exit code.
        const failed = Object.values(out.summary.platforms).some((p) => p.checks.some((c) => !c.ok));
        if (failed) process.exitCode = 3;
      },
    );
}
