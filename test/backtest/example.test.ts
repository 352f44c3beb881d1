import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

/**
 * The README's worked example: scenarios/backtest/service.yaml against the AWS-shaped history in
 * scenarios/backtest/aws/ (two appended pages of activities, one Failed and one manual activity,
 * Container Insights clocks 17 s after the minute with a ten-minute gap; see its SOURCE.md).
 */
describe("backtest of the bundled example history", () => {
  const dir = mkdtempSync(join(tmpdir(), "scalesim-bt-"));
  const aws = "scenarios/backtest/aws";
  const r = cli([
    "backtest",
    "scenarios/backtest/service.yaml",
    "--activities",
    `${aws}/describe-scaling-activities.json`,
    "--task-counts",
    `${aws}/task-counts.json`,
    "--cpu",
    `${aws}/cpu.json`,
    "--out",
    dir,
  ]);

  it("prints the verdict table and writes backtest.json with the documented fields", () => {
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scaling activities +\d+ +\d+ +\d+ matched/m);
    expect(existsSync(join(dir, "backtest.json"))).toBe(true);
    const b = JSON.parse(readFileSync(join(dir, "backtest.json"), "utf8"));
    for (const k of [
      "real",
      "simulated",
      "matched",
      "unmatchedReal",
      "unmatchedSimulated",
      "meanAbsOffsetSeconds",
    ])
      expect(typeof b.activities[k], k).toBe("number");
    expect(b.activities.matched + b.activities.unmatchedReal).toBe(b.activities.real);
    expect(b.activities.matched + b.activities.unmatchedSimulated).toBe(b.activities.simulated);
    expect(typeof b.taskMinutesAbsError).toBe("number");
  });

  it("sets the failed activity aside and labels the manual one", () => {
    const b = JSON.parse(readFileSync(join(dir, "backtest.json"), "utf8"));
    expect(b.activities.failed).toBe(1);
    expect(b.activities.notSuccessful).toEqual([
      expect.objectContaining({ statusCode: "Failed", time: "2026-03-02T07:12:41.512Z", to: 9 }),
    ]);
    expect(b.activities.byCause.manual).toEqual({ real: 1, matched: 0 });
    expect(b.activities.unmatched.real).toContainEqual(
      expect.objectContaining({ causeKind: "manual", to: 3 }),
    );
  });

  it("reads clocks 17 s off the minute into their minutes and leaves the ten-minute gap out", () => {
    const b = JSON.parse(readFileSync(join(dir, "backtest.json"), "utf8"));
    expect(b.timelines.running.gapMinutes).toBe(10);
    expect(b.timelines.running.minutes).toBe(710);
    expect(b.timelines.desired.realSource).toBe("DesiredTaskCount");
    // Minute 0's real count comes from the datapoint stamped 06:00:17.
    expect(b.series.time[0]).toBe("2026-03-02T06:00:00.000Z");
    expect(b.series.realDesired[0]).toBe(2);
    expect(b.series.realRunning.slice(400, 410)).toEqual(Array(10).fill(null));
    expect(b.cpu.minutes).toBe(720);
  });
});

describe("a history outside the scenario's period", () => {
  it("is bad input: one line naming both periods, exit 2", () => {
    // The CLI reference example's activity is from 2016; the example scenario's traffic is 2026-03-02.
    const r = cli([
      "backtest",
      "scenarios/backtest/service.yaml",
      "--activities",
      "test/fixtures/aws-cli/describe-scaling-activities.json",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "scalesim: test/fixtures/aws-cli/describe-scaling-activities.json: --activities: the activities (2016-05-06T23:03:58.171Z to 2016-05-06T23:03:58.171Z) lie outside the scenario's period (2026-03-02T06:00:00.000Z to 2026-03-02T18:00:00.000Z); set traffic.window to the history's period",
    ]);
  });
});
