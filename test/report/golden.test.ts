import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildReport, reportCharts, reportComparison } from "../../src/render/build.js";
import { readReportDir } from "../../src/analysis/input.js";
import { reportMarkdown } from "../../src/render/markdown.js";
import { plan } from "../../src/analysis/planning.js";

/**
 * Golden files of the Vega-Lite specs and the Markdown, built from committed output folders (so a change
 * in the simulator's numbers does not move them; only a change in the report does). Regenerate them,
 * after checking the difference is intended, with:
 *
 *   SCALESIM_UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts
 *
 * The fixture folder two-platforms/ is `scalesim run test/report/fixtures/two-platforms.yaml --out
 * test/report/fixtures/two-platforms`; sweep-targets/sweep.json is `scalesim sweep scenarios/sweep-targets.yaml`'s;
 * sweep/sweep.json is hand-written in another shape the reader accepts (summaries per variant);
 * backtest/backtest.json is `scalesim backtest scenarios/backtest/service.yaml` against the history in
 * scenarios/backtest/aws/ (README's worked example) with `--out test/report/fixtures/backtest`.
 */
const HERE = fileURLToPath(new URL(".", import.meta.url));
const FIXTURES = join(HERE, "fixtures");
const GOLDEN = join(HERE, "golden");
const UPDATE = process.env.SCALESIM_UPDATE_GOLDEN === "1";

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`golden file ${name} is missing; run with SCALESIM_UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const CASES = [
  { name: "two-platforms", dir: join(FIXTURES, "two-platforms") },
  { name: "sweep", dir: join(FIXTURES, "sweep") },
  { name: "sweep-targets", dir: join(FIXTURES, "sweep-targets") },
  { name: "backtest", dir: join(FIXTURES, "backtest") },
];

describe.each(CASES)("report of $name", ({ name, dir }) => {
  const input = readReportDir(dir);
  const p = plan({ summary: input.summary, sweep: input.sweep, series: input.series });
  const charts = reportCharts(input, p);

  it("Vega-Lite specs match the golden files", () => {
    expect(charts.length).toBeGreaterThan(0);
    for (const c of charts) golden(`${name}.${c.name}.vl.json`, `${JSON.stringify(c.spec, null, 1)}\n`);
  });

  it("Markdown matches the golden file", () => {
    golden(`${name}.md`, reportMarkdown({ input, plan: p, comparison: reportComparison(input) }));
  });

  it("every spec compiles with Vega-Lite without warnings", async () => {
    const vl = await import("vega-lite");
    for (const c of charts) {
      const warnings: string[] = [];
      const record = (...m: unknown[]) => {
        warnings.push(m.join(" "));
        return logger;
      };
      const logger = {
        level: () => logger,
        warn: record,
        error: record,
        info: () => logger,
        debug: () => logger,
      };
      type Compile = typeof vl.compile;
      vl.compile(c.spec as unknown as Parameters<Compile>[0], {
        logger: logger as unknown as NonNullable<Parameters<Compile>[1]>["logger"],
      });
      expect(warnings, c.name).toEqual([]);
    }
  });

  it("the report is the same bytes when built twice (HTML, Markdown, SVG and PNG)", async () => {
    const a = await buildReport(input);
    const b = await buildReport(readReportDir(dir));
    expect(Object.keys(a.files).sort()).toEqual(Object.keys(b.files).sort());
    for (const k of Object.keys(a.files))
      expect(Buffer.from(a.files[k]).equals(Buffer.from(b.files[k])), k).toBe(true);
    for (const c of charts) {
      expect(a.files[`charts/${c.name}.svg`]).toMatch(/^<svg/);
      expect((a.files[`charts/${c.name}.png`] as Buffer).subarray(1, 4).toString()).toBe("PNG");
    }
  });
});
