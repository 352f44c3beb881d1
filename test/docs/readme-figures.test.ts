import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { evaluateThresholds, formatThresholdResults } from "../../src/analysis/thresholds.js";
import { summaryTable } from "../../src/render/table.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { REPO_ROOT } from "../helpers/cli.js";

/**
 * The README's figures are what the bundled examples print: the main example's table byte for byte, and
 * every decimal figure (and every count of four or more digits) of the examples table found in the output
 * of that row's command. A model change that moves a figure fails here until the README says so.
 */
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

async function printed(file: string, text?: string): Promise<string> {
  const scenario = text ? parseScenario(text, file, join(REPO_ROOT, "scenarios")) : loadScenario(file);
  const out = await run(scenario);
  const gates = scenario.thresholds
    ? formatThresholdResults(evaluateThresholds(scenario.thresholds, out.summary))
    : "";
  return `${summaryTable(out.summary)}\n${gates}`;
}

describe("README figures", () => {
  it("the main example's table is what `scalesim run scenarios/checkout-api.yaml` prints", async () => {
    const block = /The bundled example prints:\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(await printed(join(REPO_ROOT, "scenarios/checkout-api.yaml"))).toContain(block);
  }, 120_000);

  const start = readme.indexOf("### The bundled examples");
  const section = readme.slice(start, readme.indexOf("\n## ", start));
  const rows = section
    .split("\n")
    .filter((l) => l.startsWith("| ") && l.includes("`npx scalesim run "))
    .map((l) => {
      const cells = l.split(" | ");
      const file = /scalesim run (\S+?)`/.exec(l)![1];
      return { file, answer: cells[cells.length - 1] };
    });

  it("lists every bundled scenario that `run` takes", () => {
    expect(rows.length).toBeGreaterThanOrEqual(12);
  });

  it.each(rows.map((r) => [r.file, r] as const))(
    "%s: the answer's figures are printed",
    async (_, r) => {
      const file = join(REPO_ROOT, r.file);
      let out = await printed(file);
      // The main example's answer also quotes the same run at TargetValue 40.
      if (r.file.endsWith("checkout-api.yaml"))
        out += await printed(file, readFileSync(file, "utf8").replace("TargetValue: 60", "TargetValue: 40"));
      const figures = r.answer.match(/\d[\d,]*\.\d+%?|\b\d{4,}\b/g) ?? [];
      expect(figures.length).toBeGreaterThan(0);
      for (const f of figures) expect(out, `${r.file}: ${f}`).toContain(f);
    },
    300_000,
  );
});
