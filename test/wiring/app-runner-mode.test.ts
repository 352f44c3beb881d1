import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../helpers/cli-inprocess.js";

// App Runner always runs the fluid traffic model (docs/app-runner.md, "Not modelled: ... the request-mode
// engine"): a request-mode scenario says so for it, and its fluid caveats do not send the user to request mode.
const dir = mkdtempSync(join(tmpdir(), "scalesim-apprunner-mode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (mode: string) => `name: runner-${mode}
seed: 3
duration: 30m
engine: { mode: ${mode} }
traffic: { synthetic: { shape: constant, rate: 60 } }
workload: { cpuPerRequest: 20ms, serviceTime: { distribution: lognormal, mean: 200ms, cv: 1.0 }, concurrency: 8 }
slo: { latency: 1s }
platforms:
  runner: { kind: app-runner, AutoScalingConfiguration: { MaxConcurrency: 8, MinSize: 1, MaxSize: 3 } }
`;

async function warnings(mode: string): Promise<string[]> {
  const file = join(dir, `${mode}.yaml`);
  writeFileSync(file, scenario(mode));
  const r = await cliInProcess(["run", file, "--out", join(dir, mode), "--quiet"]);
  expect(r.status).toBe(0);
  const summary = JSON.parse(readFileSync(join(dir, mode, "summary.json"), "utf8"));
  return summary.platforms.runner.warnings ?? [];
}

describe("App Runner under engine.mode: request", () => {
  it("warns that request mode does not apply, and never advises it", async () => {
    const w = await warnings("request");
    expect(w[0]).toBe(
      "engine.mode: request does not apply to App Runner, which runs the fluid traffic model",
    );
    expect(w.length).toBeGreaterThan(1); // the concurrency limit binds: a fluid caveat follows
    for (const line of w) expect(line).not.toContain("check with engine.mode: request");
  });

  it("in fluid mode only the fluid caveats, with the same advice", async () => {
    const w = await warnings("fluid");
    expect(w.length).toBeGreaterThan(0);
    expect(w.some((l) => l.startsWith("engine.mode"))).toBe(false);
    for (const line of w)
      expect(line).toContain("App Runner runs the fluid traffic model in either engine mode");
  });
});
