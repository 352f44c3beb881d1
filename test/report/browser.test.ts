import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildReport, writeReportFiles } from "../../src/render/build.js";
import { readReportDir } from "../../src/analysis/input.js";

/**
 * End to end: the HTML report opened in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with the network unused. Every chart must draw, the page must log no errors, and a
 * full-page screenshot is saved to results/report-screenshots/ as a CI artefact. Skipped, saying so,
 * when no chromium binary is on PATH (`.ci/run` installs it).
 */
const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const ARTEFACTS = join(ROOT, "results", "report-screenshots");

function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.warn(
    "browser test skipped: no `chromium` on PATH (apt-get install -y chromium; .ci/run installs it)",
  );
}

// Flags as measured in shared/reference/stack.md: headless, no sandbox (root in CI), no background traffic.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe.skipIf(!chromiumPath)("HTML report in headless Chromium", () => {
  it.each([
    ["two-platforms", join(HERE, "fixtures", "two-platforms")],
    ["sweep", join(HERE, "fixtures", "sweep")],
    ["sweep-targets", join(HERE, "fixtures", "sweep-targets")],
  ])("%s: every chart renders, no console errors, no network", async (name, dir) => {
    const { chromium } = await import("playwright-core");
    const out = mkdtempSync(join(tmpdir(), "scalesim-report-"));
    const profile = mkdtempSync(join(tmpdir(), "scalesim-chromium-"));
    const report = await buildReport(readReportDir(dir), { images: false });
    writeReportFiles(out, report.files);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: ARGS,
      headless: true,
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const external: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) external.push(r.url());
      });
      await page.setViewportSize({ width: 1000, height: 900 });
      await page.goto(pathToFileURL(join(out, "report.html")).href);
      // A string, evaluated in the page (the test itself is compiled without the DOM library).
      await page.waitForFunction(
        '[...document.querySelectorAll("[data-chart]")].every((e) => e.hasAttribute("data-rendered") || e.hasAttribute("data-error"))',
        undefined,
        { timeout: 30_000 },
      );
      const charts = await page.$$eval("[data-chart]", (els) =>
        els.map((e) => ({
          name: e.getAttribute("data-chart"),
          rendered: e.getAttribute("data-rendered"),
          error: e.getAttribute("data-error"),
          marks: e.querySelectorAll("svg .mark-line path, svg .mark-symbol path, svg .mark-area path").length,
        })),
      );
      expect(charts.map((c) => c.name)).toEqual(report.charts.map((c) => c.name));
      for (const c of charts) {
        expect(c.error, c.name ?? "").toBeNull();
        expect(c.rendered, c.name ?? "").toBe("true");
        expect(c.marks, `${c.name} drew marks`).toBeGreaterThan(0);
      }
      if (name === "sweep") {
        // The table sorts: clicking "$/month" twice puts the dearest variant first.
        const th = page.locator("#sweep-table th", { hasText: "$/month" });
        await th.click();
        await th.click();
        const first = await page.locator("#sweep-table tbody tr").first().locator("td").first().textContent();
        expect(first).toBe("v05");
      }
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
      mkdirSync(ARTEFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
    } finally {
      await context.close();
      rmSync(out, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
