import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import { parseScenario } from "../../../src/scenario/load.js";

function scenario(
  platform: string,
  traffic = "synthetic: { shape: constant, rate: 0 }",
  duration = "2d",
): string {
  return `
name: jobs
seed: 4
duration: ${duration}
traffic: { ${traffic} }
workload: { cpuPerRequest: 1ms, serviceTime: 1ms, concurrency: 1 }
slo: { latency: 20m }
platforms:
  jobs:
    kind: eventbridge-tasks
    compute: { kind: ecs-fargate, task: { cpu: 2048, memory: 4096 } }
${platform}
`;
}

type Jobs = {
  submitted: number;
  completed: number;
  maxConcurrentTasks: number;
  completionSeconds: { max: number; p50: number };
  costPerJobUsd: number;
};
const jobsOf = (out: Awaited<ReturnType<typeof run>>) =>
  (out.result.platforms[0].details as { jobs: Jobs }).jobs;

describe("EventBridge scheduled RunTask", () => {
  it("fires cron(0 2 * * ? *) at 02:00 Berlin time (01:00 UTC in winter) every day", async () => {
    const out = await run(
      parseScenario(
        scenario(`    job: { duration: 10m }
    schedules:
      - { Name: nightly, ScheduleExpression: "cron(0 2 * * ? *)", ScheduleExpressionTimezone: Europe/Berlin, TaskCount: 3 }`),
      ),
    );
    // The synthetic trace starts at 1970-01-01T00:00Z (a Thursday in winter: CET = UTC+1).
    const fired = out.result.platforms[0].decisions.filter((d) => d.action === "run-task").map((d) => d.t);
    expect(fired).toEqual([3_600, 90_000]);
    const j = jobsOf(out);
    expect([j.submitted, j.completed]).toEqual([6, 6]);
    for (const c of out.result.platforms[0].checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it("a FLEXIBLE window delays each invocation within MaximumWindowInMinutes", async () => {
    const out = await run(
      parseScenario(
        scenario(
          `    job: { duration: 1m }
    schedules:
      - { Name: h, ScheduleExpression: "rate(1 hour)", FlexibleTimeWindow: { Mode: FLEXIBLE, MaximumWindowInMinutes: 15 } }`,
          undefined,
          "1d",
        ),
      ),
    );
    const ds = out.result.platforms[0].decisions;
    expect(ds.length).toBe(24);
    const delays = ds.map((d) => Number(/delay ([\d.]+)s/.exec(d.reason)?.[1] ?? 0));
    for (const x of delays) expect(x).toBeLessThan(15 * 60);
    expect(new Set(delays).size).toBeGreaterThan(20);
  });
});

describe("capacity and cost of a batch", () => {
  it("tasks beyond the Fargate vCPU quota wait: 10 jobs of 2 vCPU under 8 vCPU run in waves of 4", async () => {
    const out = await run(
      parseScenario(
        scenario(`    job: { duration: 10m }
    fargateVcpuQuota: 8
    schedules:
      - { Name: burst, ScheduleExpression: "at(1970-01-01T01:00:00)", TaskCount: 10 }`),
      ),
    );
    const j = jobsOf(out);
    expect(j.maxConcurrentTasks).toBe(4);
    expect(j.completed).toBe(10);
    // Three waves of ≥ 10 minutes each: the last job completes after more than 30 minutes.
    expect(j.completionSeconds.max).toBeGreaterThan(30 * 60);
    expect(j.completionSeconds.p50).toBeLessThan(25 * 60);
  });

  it("one task per traffic event; each Fargate job billed from image pull to exit", async () => {
    const out = await run(
      parseScenario(
        scenario(
          "    job: { duration: 10m }\n    eventTarget: true",
          "synthetic: { shape: constant, rate: 0.0166666667 }",
          "6h",
        ),
      ),
    );
    const j = jobsOf(out);
    expect(j.submitted).toBeGreaterThanOrEqual(359);
    expect(j.submitted).toBeLessThanOrEqual(360);
    // Per job: 600 s running + ~30 s pending (assumption fargate.pendingTime), 2 vCPU / 4 GB.
    const perSecond = (2 * 0.04048 + 4 * 0.004445) / 3600;
    expect(j.costPerJobUsd).toBeGreaterThan(600 * perSecond);
    expect(j.costPerJobUsd).toBeLessThan(660 * perSecond);
  });

  it("rejects a schedule expression in the wrong dialect with its path", () => {
    expect(() =>
      parseScenario(
        scenario(`    job: { duration: 1m }
    schedules:
      - { Name: bad, ScheduleExpression: "cron(0 2 * * *)" }`),
      ),
    ).toThrow(/schedules\[0\]\.ScheduleExpression/);
  });
});
