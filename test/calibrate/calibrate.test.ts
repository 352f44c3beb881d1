import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { metricDataJson } from "../../src/backtest/metric-data.js";
import { parseJsonDocuments } from "../../src/backtest/json-input.js";
import { parseMetricData } from "../../src/backtest/metric-data.js";
import { calibrateStartup, startupBlock } from "../../src/calibrate/startup.js";
import type { Timings } from "../../src/calibrate/task-timings.js";
import { calibrateWorkload, workloadBlock } from "../../src/calibrate/workload.js";
import { parseScenario } from "../../src/scenario/load.js";
import { cli } from "../helpers/cli.js";

const metric = (id: string, label: string, values: number[]) =>
  parseMetricData(parseJsonDocuments(metricDataJson(0, [{ id, label, values }]), `${id}.json`));

describe("calibrate --events: the assumptions block", () => {
  // Ten Fargate tasks: provisioning 4..13 s (mean 8.5 s), pending 80..98 s in steps of 2 (mean 89 s).
  const timings: Timings = {
    tasks: Array.from({ length: 10 }, (_, i) => ({
      taskArn: `t${i}`,
      launchType: "FARGATE" as const,
      createdAt: 0,
      pullStartedAt: (4 + i) * 1000,
      startedAt: (4 + i) * 1000 + (80 + 2 * i) * 1000,
    })),
    instances: [],
  };

  it("keys the fitted means by the scenario's assumption names, with n and the fit as comments", () => {
    const c = calibrateStartup(timings);
    const text = startupBlock(c, "events.jsonl");
    expect(text).toMatch(/^ {2}fargate\.provisioningTime: 8\.5s {3}# n=10 .*KS D/m);
    expect(text).toMatch(/^ {2}fargate\.pendingTime: 89\.0s {3}# n=10 /m);
    expect(text).toMatch(/# ecsEc2\.taskStartTime: not fitted \(0 samples/);
    // Pasted into a scenario, the block is accepted as it is.
    const block = parse(text).assumptions;
    expect(block).toEqual({ "fargate.provisioningTime": "8.5s", "fargate.pendingTime": "89.0s" });
    const s = parseScenario(`name: x
duration: 1h
traffic: { synthetic: { shape: constant, rate: 10 } }
workload: { cpuPerRequest: 10ms, serviceTime: { distribution: exponential, mean: 50ms }, concurrency: 8 }
slo: { latency: 250ms, percentile: 99 }
platforms: { web: { kind: ecs-fargate, task: { cpu: 256, memory: 512 }, service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2 } } }
${text}`);
    expect(s.assumptionValues["fargate.pendingTime"]).toBe(89_000);
    expect(s.assumptionValues["fargate.provisioningTime"]).toBe(8_500);
  });

  it("prints the block from the documented describe-tasks example (too few samples to fit)", () => {
    const r = cli(["calibrate", "--describe-tasks", "test/fixtures/aws-cli/describe-tasks.json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("assumptions:");
    expect(r.stdout).toContain("# fargate.pendingTime: not fitted (1 sample; needs 5)");
  });
});

describe("calibrate --cpu --requests: the workload block", () => {
  it("recovers cpuPerRequest and cpuIdle from CPU, requests and running tasks", () => {
    // 1-vCPU tasks, 25 ms of CPU per request, 5 % of a vCPU idle: CPUUtilization = 100·(0.025·rate + 0.05·n)/n.
    const rate = [10, 40, 80, 120, 60, 20];
    const n = [2, 3, 4, 6, 4, 2];
    const cpu = rate.map((r, i) => (100 * (0.025 * r + 0.05 * n[i])) / n[i]);
    const f = calibrateWorkload({
      cpu: metric("cpu", "CPUUtilization", cpu)[0],
      requests: metric(
        "req",
        "RequestCount",
        rate.map((r) => r * 60),
      )[0],
      running: metric("running", "RunningTaskCount", n)[0],
      taskVcpu: 1,
    });
    expect(f.cpu?.cpuPerRequestMs).toBeCloseTo(25, 6);
    expect(f.cpu?.cpuIdle).toBeCloseTo(0.05, 6);
    expect(f.cpu?.r2).toBeCloseTo(1, 9);
  });

  it("fits a lognormal service time through p50 and p99 of the quietest periods", () => {
    // Lognormal mean 60 ms, cv 1: σ² = ln 2, μ = ln 60 − ln 2 / 2; p50 = e^μ = 42.426 ms,
    // p99 = e^(μ + 2.3263·σ) = 294.4 ms (hand computed), exported in seconds.
    const p50 = 0.042426;
    const p99 = 0.2944;
    const f = calibrateWorkload({
      cpu: metric("cpu", "CPUUtilization", [10, 10, 10, 10])[0],
      requests: metric("req", "RequestCount", [600, 600, 6000, 6000])[0],
      responseTimes: [
        ...metric("p50", "TargetResponseTime p50", [p50, p50, 0.2, 0.2]),
        ...metric("p99", "TargetResponseTime p99", [p99, p99, 2, 2]),
      ],
    });
    expect(f.serviceTime?.lowLoadPeriods).toBe(1);
    expect(f.serviceTime?.meanMs).toBeCloseTo(60, 0);
    expect(f.serviceTime?.cv).toBeCloseTo(1, 2);
    expect(workloadBlock(f, "x")).toMatch(
      /serviceTime: \{ distribution: lognormal, mean: 60ms, cv: 1\.00 \}/,
    );
  });
});

describe("calibrate on the bundled example history (scenarios/backtest/aws, made with cpuPerRequest 25ms, cpuIdle 0)", () => {
  it("recovers 25 ms per request despite saturated and overloaded minutes, clock skew and a gap", () => {
    const aws = "scenarios/backtest/aws";
    const r = cli([
      "calibrate",
      "--cpu",
      `${aws}/cpu.json`,
      "--task-counts",
      `${aws}/task-counts.json`,
      "--task-cpu",
      "1024",
      "--requests",
      `${aws}/requests.json`,
    ]);
    expect(r.status).toBe(0);
    const w = parse(r.stdout).workload;
    expect(Number.parseFloat(w.cpuPerRequest)).toBeCloseTo(25, 0);
    expect(w.cpuIdle).toBeLessThan(0.01);
    expect(r.stdout).toMatch(/saturated \(≥ 99 %\) left out/);
  });
});

describe("calibrate --events: EC2 instances", () => {
  it("times pending → running from EC2 state-change events and running → registeredAt from container-instance events", async () => {
    const { parseTimings } = await import("../../src/calibrate/task-timings.js");
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.parse("2026-01-01T00:00:00Z") + i * 600_000;
      const ec2 = (state: string, at: number) =>
        JSON.stringify({
          "detail-type": "EC2 Instance State-change Notification",
          source: "aws.ec2",
          time: new Date(at).toISOString().replace(".000Z", "Z"),
          detail: { "instance-id": `i-${i}`, state },
        });
      lines.push(ec2("pending", t0), ec2("running", t0 + (20 + i) * 1000));
      lines.push(
        JSON.stringify({
          "detail-type": "ECS Container Instance State Change",
          source: "aws.ecs",
          time: "x",
          detail: {
            ec2InstanceId: `i-${i}`,
            registeredAt: new Date(t0 + (20 + i + 50) * 1000).toISOString(),
          },
        }),
      );
    }
    const c = calibrateStartup(parseTimings(parseJsonDocuments(lines.join("\n"), "ev.jsonl")));
    // Pending 20..24 s (mean 22 s); registration 50 s after running for every instance.
    expect(c.fits.find((f) => f.id === "ec2.pendingTime")?.valueMs).toBe(22_000);
    expect(c.fits.find((f) => f.id === "ec2.registrationTime")?.valueMs).toBe(50_000);
  });
});
