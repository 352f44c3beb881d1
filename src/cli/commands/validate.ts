import type { Command } from "commander";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file and report the first problem with its line and column")
    .argument("<file>", "scenario YAML file")
    .action(async (file: string) => {
      const { loadScenario } = await import("../../scenario/load.js");
      const names = Object.keys(loadScenario(file).platforms);
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
