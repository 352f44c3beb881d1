import type { Command } from "commander";
import { assumptionsMarkdown, assumptionsText } from "../../report/assumptions-table.js";

export function registerAssumptions(program: Command): void {
  program
    .command("assumptions")
    .description("list every named assumption with its default (override them under `assumptions:`)")
    .option("--markdown", "print a Markdown table (docs/assumptions.md)")
    .action((opts: { markdown?: boolean }) => {
      process.stdout.write(opts.markdown ? assumptionsMarkdown() : assumptionsText());
    });
}
