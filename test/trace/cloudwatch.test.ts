import { describe, expect, it } from "vitest";
import { CLOUDWATCH_DEFAULT_GAPS, parseCloudWatchJson, readCloudWatch } from "../../src/trace/cloudwatch.js";
import { fixture, inputError } from "./helpers.js";

const MIN = 60_000;

// Shapes follow the AWS CLI reference examples: get-metric-data output ("Timestamps":
// ["2024-09-29T22:10:00+00:00"], "Values", "StatusCode": "Complete") in
// https://awscli.amazonaws.com/v2/documentation/api/latest/reference/cloudwatch/get-metric-data.html and
// get-metric-statistics output (unordered "Datapoints" with "Timestamp": "2014-02-19T00:18:00Z") in
// aws/aws-cli awscli/examples/cloudwatch/get-metric-statistics.rst.
describe("get-metric-data", () => {
  it("sorts newest-first values, infers the period, fills the missing minute with zero", async () => {
    expect(CLOUDWATCH_DEFAULT_GAPS).toBe("zero");
    const s = await readCloudWatch(fixture("cw-get-metric-data.json"));
    expect(s.startMs).toBe(Date.UTC(2024, 8, 29, 22, 10));
    expect(s.stepMs).toBe(MIN);
    expect(Array.from(s.counts)).toEqual([1000, 980, 0, 1250, 1320]);
    expect(s.notes).toContain("1 missing period(s) filled with zero requests");
    expect(s.source).toMatch(/RequestCount/);
  });

  it("rejects the gap when gaps is error", async () => {
    const e = await inputError(readCloudWatch(fixture("cw-get-metric-data.json"), { gaps: "error" }));
    expect(e.detail).toMatch(
      /1 missing period\(s\) between 2024-09-29T22:11:00\.000Z and 2024-09-29T22:13:00\.000Z/,
    );
  });

  it("reads epoch-second timestamps (the API's JSON wire form)", () => {
    const t = Date.UTC(2024, 8, 29, 22, 10) / 1000;
    const s = parseCloudWatchJson(
      JSON.stringify({ MetricDataResults: [{ Id: "m1", Timestamps: [t + 300, t], Values: [7, 5] }] }),
    );
    expect(s.stepMs).toBe(300_000);
    expect(Array.from(s.counts)).toEqual([5, 7]);
  });

  it("asks for an Id when several results are present", async () => {
    const doc = JSON.stringify({
      MetricDataResults: [
        { Id: "a", Timestamps: ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"], Values: [1, 2] },
        { Id: "b", Timestamps: ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"], Values: [3, 4] },
      ],
    });
    const e = await inputError(() => parseCloudWatchJson(doc));
    expect(e.detail).toMatch(/2 metric results \(a, b\); choose one with id/);
    expect(Array.from(parseCloudWatchJson(doc, { id: "b" }).counts)).toEqual([3, 4]);
  });

  it("rejects duplicate timestamps and negative values", async () => {
    const dup = {
      MetricDataResults: [
        { Id: "m", Timestamps: ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"], Values: [1, 2] },
      ],
    };
    expect((await inputError(() => parseCloudWatchJson(JSON.stringify(dup)))).detail).toMatch(
      /duplicate timestamp/,
    );
    const neg = {
      MetricDataResults: [
        { Id: "m", Timestamps: ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"], Values: [1, -2] },
      ],
    };
    expect((await inputError(() => parseCloudWatchJson(JSON.stringify(neg)))).detail).toMatch(
      /Values\[1\]=-2/,
    );
  });

  it("locates JSON syntax errors by line", async () => {
    const e = await inputError(() =>
      parseCloudWatchJson('{\n  "Datapoints": [\n    {"Sum": 1,}\n  ]\n}', { displayName: "x.json" }),
    );
    expect(e.location.file).toBe("x.json");
    expect(e.location.line).toBe(3);
  });
});

describe("get-metric-statistics", () => {
  it("sorts unordered datapoints and derives a missing Sum from SampleCount × Average", async () => {
    const s = await readCloudWatch(fixture("cw-get-metric-statistics.json"));
    expect(s.startMs).toBe(Date.UTC(2024, 8, 29, 22, 10));
    expect(s.stepMs).toBe(5 * MIN);
    expect(Array.from(s.counts)).toEqual([100, 200, 300]);
    expect(s.notes).toContain("1 datapoint(s) had no Sum; used SampleCount × Average");
  });

  it("reads another statistic when asked, and lists the fields when it is missing", async () => {
    const e = await inputError(
      readCloudWatch(fixture("cw-get-metric-statistics.json"), { statistic: "Maximum" }),
    );
    expect(e.detail).toBe("Datapoints[0] has no Maximum; it has Sum (choose with statistic)");
  });

  it("needs periodMs for a single datapoint", async () => {
    const one = JSON.stringify({ Datapoints: [{ Timestamp: "2024-01-01T00:00:00Z", Sum: 5 }] });
    expect((await inputError(() => parseCloudWatchJson(one))).detail).toMatch(/give periodMs/);
    expect(Array.from(parseCloudWatchJson(one, { periodMs: MIN }).counts)).toEqual([5]);
  });
});
