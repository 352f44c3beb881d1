import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { taskEventsJsonl, taskStateChangeEvent } from "../../src/output/task-events.js";
import { parseScenario } from "../../src/scenario/load.js";
import { cli } from "../helpers/cli.js";

/** The example event of https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html */
const DOCUMENTED = {
  version: "0",
  id: "3317b2af-7005-947d-b652-f55e762e571a",
  "detail-type": "ECS Task State Change",
  source: "aws.ecs",
  account: "111122223333",
  time: "2020-01-23T17:57:58Z",
  region: "us-west-2",
  resources: ["arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad"],
  detail: {
    clusterArn: "arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster",
    createdAt: "2020-01-23T17:57:34.402Z",
    launchType: "FARGATE",
    cpu: "256",
    memory: "512",
    desiredStatus: "RUNNING",
    group: "family:sample-fargate",
    lastStatus: "RUNNING",
    pullStartedAt: "2020-01-23T17:57:52.103Z",
    startedAt: "2020-01-23T17:57:58.103Z",
    pullStoppedAt: "2020-01-23T17:57:55.103Z",
    updatedAt: "2020-01-23T17:57:58.103Z",
    taskArn: "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad",
    taskDefinitionArn: "arn:aws:ecs:us-west-2:111122223333:task-definition/sample-fargate:1",
    version: 4,
    platformVersion: "1.3.0",
  },
};

describe("EventBridge shape of task state-change events", () => {
  it("reproduces the documented example's envelope and detail fields from the same task history", () => {
    const start = Date.parse("2020-01-23T17:57:34.402Z");
    const ev = taskStateChangeEvent(
      {
        t: 23_701,
        taskId: 1,
        version: 4,
        lastStatus: "RUNNING",
        desiredStatus: "RUNNING",
        createdAt: 0,
        pullStartedAt: 17_701,
        pullStoppedAt: 20_701,
        startedAt: 23_701,
      },
      { group: "family:sample-fargate", launchType: "FARGATE", cpu: 256, memory: 512 },
      { scenario: "FargateCluster", platform: "sample-fargate", region: "us-west-2", startMs: start },
    );
    expect(Object.keys(ev).sort()).toEqual(Object.keys(DOCUMENTED).sort());
    const { id: _i, ...env } = DOCUMENTED;
    const { resources: _r, detail: _d, ...plain } = env;
    expect(ev).toMatchObject(plain);
    expect(ev.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ev.resources[0]).toMatch(
      /^arn:aws:ecs:us-west-2:111122223333:task\/FargateCluster\/[0-9a-f]{32}$/,
    );
    const d = DOCUMENTED.detail;
    for (const k of [
      "clusterArn",
      "createdAt",
      "launchType",
      "cpu",
      "memory",
      "desiredStatus",
      "group",
      "lastStatus",
      "pullStartedAt",
      "startedAt",
      "pullStoppedAt",
      "updatedAt",
      "taskDefinitionArn",
      "version",
    ] as const) {
      expect(ev.detail[k], k).toEqual(d[k]);
    }
    expect(ev.detail.taskArn).toBe(ev.resources[0]);
  });
});

const SCENARIO = `
name: events
seed: 3
duration: 40m
traffic:
  synthetic: { shape: step, base: 20, to: 400, at: 5m }
workload:
  cpuPerRequest: 20ms
  serviceTime: 50ms
  concurrency: 32
slo: { latency: 300ms }
platforms:
  web:
    kind: ecs-fargate
    task: { cpu: 512, memory: 1024 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 10 }
    scalingPolicies:
      - PolicyName: cpu50
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 50
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
`;

describe("scalesim run --events", () => {
  it("writes the scale-out's task lifecycle as JSON lines in time order, mapped onto the run's start", async () => {
    const out = await run(parseScenario(SCENARIO));
    const lines = taskEventsJsonl(out.result)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(3);
    const times = lines.map((e) => Date.parse(e.detail.updatedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(lines.map((e) => e.detail.group))).toEqual(new Set(["service:web"]));
    // Every launched task walks PROVISIONING → PENDING → RUNNING, in that order.
    const byTask = new Map<string, string[]>();
    for (const e of lines)
      byTask.set(e.detail.taskArn, [...(byTask.get(e.detail.taskArn) ?? []), e.detail.lastStatus]);
    const launched = [...byTask.values()].filter((s) => s[0] === "PROVISIONING");
    expect(launched.length).toBeGreaterThan(0);
    for (const s of launched) expect(s.slice(0, 3)).toEqual(["PROVISIONING", "PENDING", "RUNNING"]);
    // The first task existed at the start: its event is at the run's first instant.
    expect(lines[0].time).toBe(new Date(out.result.startMs).toISOString().replace(/\.\d{3}Z$/, "Z"));
  });

  it("is byte-identical across runs and written by the CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-events-"));
    writeFileSync(join(dir, "s.yaml"), SCENARIO);
    const a = cli(["run", join(dir, "s.yaml"), "--events", join(dir, "a.jsonl")]);
    const b = cli(["run", join(dir, "s.yaml"), "--events", join(dir, "b.jsonl")]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status).toBe(0);
    const ta = readFileSync(join(dir, "a.jsonl"), "utf8");
    expect(ta.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "b.jsonl"), "utf8")).toBe(ta);
  });
});
