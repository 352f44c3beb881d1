import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { classifyCause, parseActivities, readActivities } from "../../src/backtest/activities.js";
import { parseJsonDocuments } from "../../src/backtest/json-input.js";
import { parseMetricData, perMinute } from "../../src/backtest/metric-data.js";
import { readTimings } from "../../src/calibrate/task-timings.js";
import { cli } from "../helpers/cli.js";

const AWS = fileURLToPath(new URL("../fixtures/aws-cli/", import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), "scalesim-backtest-"));

describe("describe-scaling-activities", () => {
  it("reads the CLI reference example (aws-cli examples/application-autoscaling/describe-scaling-activities.rst)", () => {
    const [a, ...rest] = readActivities(join(AWS, "describe-scaling-activities.json"));
    expect(rest).toEqual([]);
    // The example's own values: StartTime 1462575838.171 s, EndTime 1462575872.111 s, "Setting desired count to 1."
    expect(a.startMs).toBe(1_462_575_838_171);
    expect(a.endMs).toBe(1_462_575_872_111);
    expect(a.to).toBe(1);
    expect(a.statusCode).toBe("Successful");
    expect(a.resourceId).toBe("service/default/web-app");
    expect(a.causeKind).toBe("policy");
    expect(a.source).toBe("web-app-cpu-lt-25");
  });

  const act = (id: string, start: string | number, to: number, extra: Record<string, unknown> = {}) => ({
    ActivityId: id,
    ResourceId: "service/c/s",
    ScalableDimension: "ecs:service:DesiredCount",
    Description: `Setting desired count to ${to}.`,
    Cause: "monitor alarm a in state ALARM triggered policy p",
    StartTime: start,
    StatusCode: "Successful",
    ...extra,
  });

  it("accepts several appended pages and an array of pages, newest first, ISO or epoch times, once per ActivityId", () => {
    const p1 = {
      ScalingActivities: [act("c", "2026-01-01T00:10:00Z", 4), act("b", "2026-01-01T00:05:00.500Z", 3)],
      NextToken: "x",
    };
    const p2 = {
      ScalingActivities: [
        act("b", "2026-01-01T00:05:00.500Z", 3),
        act("a", Date.parse("2026-01-01T00:00:00Z") / 1000, 2),
      ],
    };
    const appended = parseActivities(
      parseJsonDocuments(`${JSON.stringify(p1, null, 2)}\n${JSON.stringify(p2)}\n`, "f.json"),
    );
    const array = parseActivities(parseJsonDocuments(JSON.stringify([p1, p2]), "f.json"));
    for (const list of [appended, array]) {
      expect(list.map((a) => a.activityId)).toEqual(["a", "b", "c"]);
      expect(list.map((a) => a.to)).toEqual([2, 3, 4]);
      expect(list[1].startMs - list[0].startMs).toBe(300_500);
    }
  });

  it("labels failed activities and other causes", () => {
    const list = parseActivities(
      parseJsonDocuments(
        JSON.stringify({
          ScalingActivities: [
            act("f", 100, 9, { StatusCode: "Failed" }),
            act("s", 200, 5, { Cause: "scheduled action name night was triggered" }),
            act("m", 300, 3, { Cause: "user request update of min capacity to 3" }),
            act("o", 400, 2, { Cause: "something else" }),
          ],
        }),
        "f.json",
      ),
    );
    expect(list.map((a) => [a.statusCode, a.causeKind, a.source])).toEqual([
      ["Failed", "policy", "p"],
      ["Successful", "scheduled", "night"],
      ["Successful", "manual", null],
      ["Successful", "other", null],
    ]);
    expect(
      classifyCause("monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25"),
    ).toEqual({
      kind: "policy",
      source: "web-app-cpu-lt-25",
    });
  });

  it("bad input: one line with file:line:col and the field, exit 2, nothing written", () => {
    const dir = tmp();
    const f = join(dir, "acts.json");
    writeFileSync(
      f,
      '{\n  "ScalingActivities": [\n    {\n      "Description": "Setting desired count to 2.",\n      "StartTime": "yesterday",\n      "StatusCode": "Successful"\n    }\n  ]\n}\n',
    );
    const r = cli([
      "backtest",
      "scenarios/backtest/service.yaml",
      "--activities",
      f,
      "--out",
      join(dir, "out"),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      `scalesim: ${f}:5:20: ScalingActivities[0].StartTime: expected epoch seconds or an ISO 8601 time`,
    ]);
    expect(existsSync(join(dir, "out"))).toBe(false);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{\n  "ScalingActivities": [\n    { "StartTime": 1, }\n  ]\n}\n');
    const s = cli(["calibrate", "--events", bad]);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(new RegExp(`^scalesim: ${bad}:3:23: invalid JSON`));
  });
});

describe("ECS task timings", () => {
  it("reads the documented ECS Task State Change event (ecs_task_events.html)", () => {
    const t = readTimings([{ file: join(AWS, "ecs-task-state-change.jsonl"), option: "--events" }]);
    expect(t.tasks).toHaveLength(1);
    const x = t.tasks[0];
    expect(x.launchType).toBe("FARGATE");
    // createdAt 17:57:34.402Z, pullStartedAt 17:57:52.103Z, startedAt 17:57:58.103Z (the event's own values).
    expect((x.pullStartedAt ?? 0) - (x.createdAt ?? 0)).toBe(17_701);
    expect((x.startedAt ?? 0) - (x.pullStartedAt ?? 0)).toBe(6_000);
  });

  it("reads the describe-tasks CLI reference example (epoch seconds)", () => {
    const t = readTimings([{ file: join(AWS, "describe-tasks.json"), option: "--describe-tasks" }]);
    const x = t.tasks[0];
    // createdAt 1557134011.644, pullStartedAt 1557134025.379, pullStoppedAt 1557134033.379, startedAt 1557134035.379.
    expect((x.pullStartedAt ?? 0) - (x.createdAt ?? 0)).toBe(13_735);
    expect((x.pullStoppedAt ?? 0) - (x.pullStartedAt ?? 0)).toBe(8_000);
    expect((x.startedAt ?? 0) - (x.pullStartedAt ?? 0)).toBe(10_000);
  });
});

describe("get-metric-data", () => {
  it("bins datapoints off the minute grid into the minute that holds them and leaves gaps empty", () => {
    const doc = {
      MetricDataResults: [
        {
          Id: "running",
          Label: "RunningTaskCount",
          // Newest first, as the API returns them; 17 s after each minute; 00:02 missing.
          Timestamps: ["2026-01-01T00:03:17Z", "2026-01-01T00:01:17Z", "2026-01-01T00:00:17Z"],
          Values: [4, 3, 2],
          StatusCode: "Complete",
        },
      ],
    };
    const [r] = parseMetricData(parseJsonDocuments(JSON.stringify(doc), "m.json"));
    const m = perMinute(r.points, Date.parse("2026-01-01T00:00:00Z"), 4);
    expect(Array.from(m)).toEqual([2, 3, Number.NaN, 4]);
  });
});
