import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

const FIXTURES = new URL("./fixtures", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "scalesim-report-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("scalesim run with thresholds and --report", () => {
  it("a failed threshold is printed plainly and exits 1; the report and thresholds.json are written", () => {
    const out = join(tmp, "run");
    const r = cli(["run", join(FIXTURES, "two-platforms.yaml"), "--out", out, "--report", "--no-growth"]);
    // Nothing on stderr but the fluid-latency caveat of a platform whose tasks run near saturation.
    expect(r.stderr.replace(/^warning: arm: fluid latency: .*\n/gm, "")).toBe("");
    expect(r.status).toBe(1);
    // The overloaded arm platform's full queues refuse requests (server.queueLimit): they are dropped.
    expect(r.stdout).toContain("thresholds: 2 of 4 FAILED");
    expect(r.stdout).toContain("FAIL  x86.monthlyCostUsd < $100  (actual $255.68)");
    expect(r.stdout).toContain("FAIL  arm.droppedRequests == 0");
    for (const f of [
      "summary.json",
      "thresholds.json",
      "report.html",
      "report.md",
      "charts/latency.svg",
      "charts/latency.png",
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const th = JSON.parse(readFileSync(join(out, "thresholds.json"), "utf8"));
    expect([th.passed, th.failed, th.total]).toEqual([false, 2, 4]);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("**Thresholds: 2 of 4 FAILED.**");
  });

  it("--report without --out is bad input (exit 2, one line)", () => {
    const r = cli(["run", join(FIXTURES, "two-platforms.yaml"), "--report"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("scalesim: --report: --report needs --out DIR to write the report into\n");
  });
});

describe("scalesim report", () => {
  it("reports a sweep folder and prints the Markdown with --markdown", () => {
    const out = join(tmp, "sweep-report");
    const r = cli(["report", join(FIXTURES, "sweep"), "--out", out, "--no-images", "--markdown"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("wrote report.html, report.md and charts (pareto)");
    expect(r.stdout).toContain("Run **v03**");
    expect(existsSync(join(out, "charts", "pareto.vl.json"))).toBe(true);
    expect(existsSync(join(out, "charts", "pareto.svg"))).toBe(false);
  });

  it("a folder without outputs is bad input", () => {
    const r = cli(["report", tmp + "/nothing-here"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing-here: not a folder of scalesim outputs/);
  });

  it("--compare names a platform the run does not have: bad input", () => {
    const r = cli([
      "report",
      join(FIXTURES, "two-platforms"),
      "--out",
      join(tmp, "x"),
      "--compare",
      "x86,ec2",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no platform named "ec2"');
  });
});

describe("scalesim compare", () => {
  it("puts two platforms of an output folder side by side", () => {
    const r = cli(["compare", join(FIXTURES, "two-platforms"), "x86", "arm"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+x86\s+arm$/);
    expect(r.stdout).toContain("arm is cheaper by $0.89 over the run");
    expect(r.stdout).toMatch(/break-even: none; x86 would need \d+\.\d% utilisation/);
  });

  it("--json gives the numbers", () => {
    const r = cli(["compare", join(FIXTURES, "two-platforms"), "--json"]);
    const c = JSON.parse(r.stdout);
    expect([c.a.name, c.b.name, c.cheaper]).toEqual(["x86", "arm", "arm"]);
  });

  it("one platform is not enough", () => {
    const one = join(tmp, "one");
    const summary = JSON.parse(readFileSync(join(FIXTURES, "two-platforms", "summary.json"), "utf8"));
    delete summary.platforms.arm;
    mkdirSync(one, { recursive: true });
    writeFileSync(join(one, "summary.json"), JSON.stringify(summary));
    const r = cli(["compare", one]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("comparing needs two platforms; this run has 1 (x86)");
  });
});
