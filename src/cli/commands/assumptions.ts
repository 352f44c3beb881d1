import type { Command } from "commander";

export function registerAssumptions(program: Command): void {
  program
    .command("assumptions")
    .description("list every named assumption with its default (override them under `assumptions:`)")
    .option("--markdown", "print a Markdown table (docs/assumptions.md)")
    .action(async (opts: { markdown?: boolean }) => {
      const { assumptionsMarkdown, assumptionsText } = await import("../../render/assumptions-table.js");
      process.stdout.write(opts.markdown ? assumptionsMarkdown() : assumptionsText());
    });
}
