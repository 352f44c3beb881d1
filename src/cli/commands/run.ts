import type { Command } from "commander";
import type { RunOutput } from "../../api.js";
import { InputError } from "../../errors.js";
import { checkOutFile, prepareOutDir, stageFile } from "../destinations.js";
import { seedOption } from "../options.js";
import { multiplierOption } from "./report.js";

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
    .option(
      "--activities <file>",
      "write the simulated scaling decisions as describe-scaling-activities JSON (docs/backtest.md)",
    )
    .option(
      "--task-counts <file>",
      "write per-minute DesiredTaskCount and RunningTaskCount as get-metric-data JSON (docs/backtest.md)",
    )
    .option("--report", "also write report.html, report.md and chart images into the --out folder")
    .option("--no-growth", "with --report: skip the traffic-growth search")
    .option(
      "--growth-max <x>",
      "with --report: largest traffic multiplier the growth search tries",
      multiplierOption,
      8,
    )
    .option("-q, --quiet", "no progress line on a terminal")
    .action(
      async (
        file: string,
        opts: {
          out?: string;
          seed?: number;
          json?: boolean;
          events?: string;
          activities?: string;
          taskCounts?: string;
          report?: boolean;
          growth: boolean;
          growthMax: number;
          quiet?: boolean;
        },
      ) => {
        const { run, writeOutputs } = await import("../../api.js");
        const { summaryTable } = await import("../../render/table.js");
        const { loadScenario } = await import("../../scenario/load.js");
        const { checkRunThresholds } = await import("./run-thresholds.js");
        const scenario = loadScenario(file);
        if (opts.report && !opts.out)
          throw new InputError("--report needs --out DIR to write the report into", { path: "--report" });
        // Every destination is checked before the run: a bad path fails now, not after the simulation.
        if (opts.out) prepareOutDir(opts.out, "--out");
        if (opts.events) checkOutFile(opts.events, "--events");
        if (opts.activities) checkOutFile(opts.activities, "--activities");
        if (opts.taskCounts) checkOutFile(opts.taskCounts, "--task-counts");
        const progress = runProgress(!opts.quiet && process.stderr.isTTY === true);
        let out: RunOutput;
        try {
          out = await run(scenario, { seed: opts.seed, onPlatform: progress.platform });
        } finally {
          progress.done();
        }
        const thresholds = checkRunThresholds(scenario, out);
        // Every extra file is staged first, so a failure leaves them and --out as they were.
        // The modules of the optional files load only when those files are asked for.
        const history =
          opts.activities || opts.taskCounts
            ? (await import("../../backtest/history.js")).historyFiles(scenario, out.result)
            : undefined;
        const events = opts.events
          ? (await import("../../output/task-events.js")).taskEventsJsonl(out.result)
          : undefined;
        const staged = [
          opts.events && events !== undefined ? stageFile(opts.events, events, "--events") : undefined,
          opts.activities && history
            ? stageFile(opts.activities, history.activities, "--activities")
            : undefined,
          opts.taskCounts && history
            ? stageFile(opts.taskCounts, history.taskCounts, "--task-counts")
            : undefined,
        ].filter((f) => f !== undefined);
        try {
          if (opts.out) writeOutputs(opts.out, out.files);
        } catch (e) {
          for (const f of staged) f.abort();
          throw e;
        }
        for (const f of staged) f.commit();
        if (opts.json) process.stdout.write(out.files["summary.json"]);
        else {
          process.stdout.write(`${summaryTable(out.summary)}\n`);
          for (const note of scenario.notes ?? []) process.stdout.write(`note: ${note}\n`);
          if (opts.out) process.stdout.write(`wrote ${Object.keys(out.files).join(", ")} to ${opts.out}\n`);
        }
        if (thresholds.text) (opts.json ? process.stderr : process.stdout).write(`${thresholds.text}\n`);
        for (const [name, p] of Object.entries(out.summary.platforms))
          for (const w of p.warnings ?? []) process.stderr.write(`warning: ${name}: ${w}\n`);
        if (opts.report && opts.out) {
          // The report and chart code loads only when a report is written.
          const { reportAfterRun } = await import("./report-actions.js");
          await reportAfterRun(opts.out, scenario, out, { growth: opts.growth, growthMax: opts.growthMax });
        }
        // A failed threshold is the gate a CI job waits for: exit code 1.
        if (!thresholds.passed) process.exitCode = 1;
        // A failed invariant is a simulator bug, not a user error: say so through the exit code.
        const failed = Object.values(out.summary.platforms).some((p) => p.checks.some((c) => !c.ok));
        if (failed) process.exitCode = 3;
      },
    );
}

/**
 * A progress line on a terminal while a run simulates (which platform, how many left); nothing with
 * --quiet or when stderr is not a terminal. The line is erased when the run ends.
 */
export function runProgress(
  enabled: boolean,
  write: (s: string) => void = (s) => process.stderr.write(s),
): { platform: (name: string, index: number, count: number) => void; done: () => void } {
  let shown = false;
  return {
    platform: (name, index, count) => {
      if (!enabled) return;
      shown = true;
      write(`\r\x1b[Ksimulating ${name} (platform ${index + 1} of ${count})…`);
    },
    done: () => {
      if (shown) write("\r\x1b[K");
      shown = false;
    },
  };
}
