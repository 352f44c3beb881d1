import type { Command } from "commander";
import { loadScenario } from "../../scenario/load.js";
import { loadScenarioTraffic } from "../../simulate.js";
import { scenarioJsonSchema } from "../../scenario/schema.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "check a scenario file and its trace (everything run checks short of simulating); report the first problem with its line and column",
    )
    .argument("<file>", "scenario YAML file")
    .action(async (file: string) => {
      const scenario = loadScenario(file);
      // Everything `run` checks short of simulating: the trace file is read, the window and the
      // multiplier applied, the synthetic shape generated.
      await loadScenarioTraffic(scenario);
      const names = Object.keys(scenario.platforms);
      process.stdout.write(
        `${file}: ok (${names.length} platform${names.length === 1 ? "" : "s"}: ${names.join(", ")})\n`,
      );
    });

  program
    .command("schema")
    .description("print the JSON Schema of scenario files (for editor completion)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
