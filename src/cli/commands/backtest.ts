import { type Command, InvalidArgumentError } from "commander";
import type { History } from "../../backtest/backtest.js";
import { seedOption } from "../options.js";

function minutesOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError("the match window is a number of minutes above 0");
  return n;
}

export function registerBacktest(program: Command): void {
  program
    .command("backtest")
    .description(
      "replay a scenario over a real service's history and compare its scaling decisions (docs/backtest.md)",
    )
    .argument("<scenario>", "scenario YAML file whose traffic covers the history's period")
    .requiredOption(
      "--activities <file>",
      "JSON of: aws application-autoscaling describe-scaling-activities (pages may be appended)",
    )
    .option(
      "--task-counts <file>",
      "JSON of: aws cloudwatch get-metric-data with Container Insights DesiredTaskCount and RunningTaskCount",
    )
    .option("--cpu <file>", "JSON of: aws cloudwatch get-metric-data with the service's CPUUtilization")
    .option("--platform <name>", "the scenario's platform to compare (default: the first that scales)")
    .option(
      "--match-window <minutes>",
      "largest offset at which a decision matches an activity",
      minutesOption,
      10,
    )
    .option("--seed <n>", "override the scenario's seed", seedOption)
    .option("-o, --out <dir>", "write backtest.json into this folder (scalesim report draws it)")
    .option("--json", "print backtest.json instead of the table")
    .action(
      async (
        file: string,
        opts: {
          activities: string;
          taskCounts?: string;
          cpu?: string;
          platform?: string;
          matchWindow: number;
          seed?: number;
          out?: string;
          json?: boolean;
        },
      ) => {
        const { readActivities } = await import("../../backtest/activities.js");
        const { backtest } = await import("../../backtest/backtest.js");
        const { readMetricData } = await import("../../backtest/metric-data.js");
        const { backtestTable } = await import("../../backtest/table.js");
        const { writeOutputs } = await import("../../output/files.js");
        const { loadScenario } = await import("../../scenario/load.js");
        const scenario = loadScenario(file);
        const history: History = {
          activities: readActivities(opts.activities),
          activitiesFile: opts.activities,
          taskCounts: opts.taskCounts
            ? { results: readMetricData(opts.taskCounts, "--task-counts"), file: opts.taskCounts }
            : undefined,
          cpu: opts.cpu ? { results: readMetricData(opts.cpu, "--cpu"), file: opts.cpu } : undefined,
        };
        const b = await backtest(scenario, history, {
          platform: opts.platform,
          matchWindowMs: opts.matchWindow * 60_000,
          seed: opts.seed,
        });
        const json = `${JSON.stringify(b, null, 2)}\n`;
        if (opts.out) writeOutputs(opts.out, { "backtest.json": json });
        if (opts.json) process.stdout.write(json);
        else {
          process.stdout.write(`${backtestTable(b)}\n`);
          if (opts.out) process.stdout.write(`wrote backtest.json to ${opts.out}\n`);
        }
      },
    );
}
