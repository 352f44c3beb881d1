import type { Command } from "commander";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "check a scenario file and its trace (everything run checks short of simulating); report the first problem with its line and column",
    )
    .argument("<file>", "scenario YAML file")
    .action(async (file: string) => {
      const { loadScenario } = await import("../../scenario/load.js");
      const { loadScenarioTraffic } = await import("../../simulate.js");
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
    .action(async () => {
      const { scenarioJsonSchema } = await import("../../scenario/schema.js");
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
