import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { policyLines } from "../helpers/decisions.js";
import { decisionsOf, fargateScenario, inputErrorOf, lineOf } from "./aas-helpers.js";

/**
 * Scaling policies and scheduled actions loaded by reference from AWS CLI exports (`fromAws`), read through
 * the `scalesim import` converter. Fixtures: test/fixtures/aws-cli/SOURCE.md (the AWS CLI reference example
 * of describe-scaling-policies, unchanged).
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/aws-cli");
const TRAFFIC = "synthetic: { shape: step, base: 24, to: 120, at: 30m }";

const POLICIES = `
    scalingPolicies: { fromAws: describe-scaling-policies.json, alarms: describe-alarms.json }`;
const ACTIONS = `
    scheduledActions: { fromAws: describe-scheduled-actions.json }`;

/** A scratch folder holding copies of the fixtures, with `edit` applied to one of them. */
function scratch(name: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "scalesim-aws-"));
  for (const f of [
    "describe-scaling-policies.json",
    "describe-alarms.json",
    "describe-scheduled-actions.json",
  ]) {
    const text = readFileSync(join(FIXTURES, f), "utf8");
    writeFileSync(join(dir, f), f === name ? edit(text) : text);
  }
  return dir;
}

describe("fromAws references", () => {
  it("the documented describe-scaling-policies output with its alarms runs: +200 % of 2 at the third datapoint above 75 % (33:00)", async () => {
    // 24 req/s × 25 ms on 2 tasks = 30 % CPU (neither alarm); from 30:00, 120 req/s = 100 % > 75.
    const d = await decisionsOf(fargateScenario(POLICIES, TRAFFIC), "s.yaml", FIXTURES);
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out).toMatchObject({ t: 33 * 60, policy: "web-app-cpu-gt-75", from: 2, to: 6 });
    expect(out.inputs).toMatchObject({ "web-app-cpu-gt-75": { alarm: "ALARM", threshold: 75 } });
  });

  it("describe-scheduled-actions output: at() raises the minimum at 00:10, cron(50 0 ? * THU *) caps at 3 at 00:50", async () => {
    const d = await decisionsOf(
      fargateScenario(ACTIONS, "synthetic: { shape: constant, rate: 10 }"),
      "s.yaml",
      FIXTURES,
    );
    expect(
      d
        .filter((x) => x.controller === "applicationAutoScaling.scheduled")
        .map((x) => [x.t, x.policy, x.from, x.to]),
    ).toEqual([
      [600, "my-first-scheduled-action", 2, 6],
      [3000, "my-second-scheduled-action", 6, 3],
    ]);
  });

  it("a JSON syntax error is reported at its line and column", () => {
    const dir = scratch("describe-scaling-policies.json", (t) =>
      t.replace('"Cooldown": 60,', '"Cooldown": 60,,'),
    );
    const e = inputErrorOf(() => parseScenario(fargateScenario(POLICIES), "s.yaml", dir));
    const text = readFileSync(join(dir, "describe-scaling-policies.json"), "utf8");
    expect(e.location.file).toBe("describe-scaling-policies.json");
    expect(e.location.line).toBe(lineOf(text, "60,,"));
    expect(e.location.col).toBe(text.split("\n")[lineOf(text, "60,,") - 1].indexOf(",,") + 2);
    expect(e.detail).toMatch(/^invalid JSON/);
  });

  it("a bad field in the policies file names that file, its line:col and the field path", () => {
    const dir = scratch("describe-scaling-policies.json", (t) =>
      t.replace('"AdjustmentType": "PercentChangeInCapacity"', '"AdjustmentType": "PercentChange"'),
    );
    const e = inputErrorOf(() => parseScenario(fargateScenario(POLICIES), "s.yaml", dir));
    const text = readFileSync(join(dir, "describe-scaling-policies.json"), "utf8");
    expect(e.message).toMatch(
      new RegExp(
        `^describe-scaling-policies\\.json:${lineOf(text, '"PercentChange"')}:\\d+: ScalingPolicies\\[0\\]\\.StepScalingPolicyConfiguration\\.AdjustmentType: `,
      ),
    );
  });

  it("a bad field of a step policy's alarm is reported in the alarms file", () => {
    const dir = scratch("describe-alarms.json", (t) => t.replace('"Period": 60,', '"Period": 45,'));
    const e = inputErrorOf(() => parseScenario(fargateScenario(POLICIES), "s.yaml", dir));
    const text = readFileSync(join(dir, "describe-alarms.json"), "utf8");
    expect(e.location).toMatchObject({
      file: "describe-alarms.json",
      path: "MetricAlarms[0].Period",
      line: lineOf(text, '"Period": 45'),
    });
    expect(e.detail).toMatch(/Period must be 10, 30 or a multiple of 60/);
  });

  it("an invalid schedule in describe-scheduled-actions output is reported at its line", () => {
    const dir = scratch("describe-scheduled-actions.json", (t) =>
      t.replace("cron(50 0 ? * THU *)", "cron(50 0 * * THU *)"),
    );
    const e = inputErrorOf(() => parseScenario(fargateScenario(ACTIONS), "s.yaml", dir));
    const text = readFileSync(join(dir, "describe-scheduled-actions.json"), "utf8");
    expect(e.location).toMatchObject({
      file: "describe-scheduled-actions.json",
      path: "ScheduledActions[1].Schedule",
      line: lineOf(text, "cron(50 0 * * THU *)"),
    });
  });

  it("a step policy whose alarm export is missing says which alarm to export", () => {
    const text = fargateScenario(`
    scalingPolicies: { fromAws: describe-scaling-policies.json }`);
    const e = inputErrorOf(() => parseScenario(text, "s.yaml", FIXTURES));
    expect(e.location).toMatchObject({
      file: "describe-scaling-policies.json",
      path: "ScalingPolicies[0]",
      line: 3,
    });
    expect(e.detail).toMatch(/describe-alarms --alarm-names web-app-cpu-gt-75/);
  });

  it("an unknown key or a missing file in the reference is reported in the scenario", () => {
    const typo = fargateScenario(`
    scalingPolicies: { fromAws: describe-scaling-policies.json, alarm: describe-alarms.json }`);
    const e = inputErrorOf(() => parseScenario(typo, "s.yaml", FIXTURES));
    expect(e.location).toMatchObject({
      file: "s.yaml",
      path: "platforms.svc.scalingPolicies.alarm",
      line: lineOf(typo, "alarm: describe"),
    });
    const missing = inputErrorOf(() =>
      parseScenario(fargateScenario(ACTIONS.replace("describe-scheduled", "nope")), "s.yaml", FIXTURES),
    );
    // Reported at the scenario line that names the file (the file itself has no line to show).
    expect(missing.message).toMatch(
      /^s\.yaml:\d+:34: platforms\.svc\.scheduledActions\.fromAws: file not found: nope-actions\.json \(resolved to .*nope-actions\.json\)$/,
    );
  });
});
