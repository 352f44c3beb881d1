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
  dropped: number;
  deadLettered: number;
  retries: number;
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

  it("a cron time that does not exist on the spring-forward day is skipped (New York, 1970-04-26)", async () => {
    // "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron expression
    // falls on a non-existent date and time" (repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst).
    // New York went from 02:00 EST to 03:00 EDT on Sunday 26 April 1970 (the synthetic trace starts at the
    // epoch), so 02:30 that day does not exist: 07:30 UTC the days before, 06:30 UTC the days after.
    const out = await run(
      parseScenario(
        scenario(
          `    job: { duration: 1m }
    schedules:
      - { Name: n, ScheduleExpression: "cron(30 2 * * ? *)", ScheduleExpressionTimezone: America/New_York }`,
          undefined,
          "118d",
        ),
      ),
    );
    const fired = out.result.platforms[0].decisions
      .filter((d) => d.action === "run-task" && d.t >= Date.parse("1970-04-24T00:00:00Z") / 1000)
      .map((d) => new Date(d.t * 1000).toISOString());
    expect(fired).toEqual([
      "1970-04-24T07:30:00.000Z",
      "1970-04-25T07:30:00.000Z",
      "1970-04-27T06:30:00.000Z",
      "1970-04-28T06:30:00.000Z",
    ]);
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
  it("RunTask beyond the Fargate vCPU quota fails and is retried with backoff: 10 jobs of 2 vCPU under 8 vCPU run in waves of 4", async () => {
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
    expect([j.completed, j.dropped]).toEqual([10, 0]);
    // Retries after 1, 2, 4, … 256 s, then every 480 s (assumptions eventBridge.retry*): at 1, 3, 7, … 511,
    // 991, 1,471, 1,951 s after the invocation. The first wave (10 min + start-up) frees its capacity before
    // 991 s, the second (from 991 s) before 1,951 s: the last two jobs start at 1,951 s.
    const startUp = j.completionSeconds.max - 1_951 - 600;
    expect(startUp).toBeGreaterThan(0);
    expect(startUp).toBeLessThan(120);
    expect(j.retries).toBe(6 * 10 + 2 * 2);
  });

  it("RetryPolicy: with no retries or a 60-s event age, the invocations beyond capacity are dropped (or dead-lettered)", async () => {
    // API_RetryPolicy: "Retry attempts with exponential backoff continue until either the maximum number of
    // attempts is made or until the duration of the MaximumEventAgeInSeconds is reached."
    const burst = (policy: string) =>
      scenario(`    job: { duration: 10m }
    fargateVcpuQuota: 8
    schedules:
      - { Name: burst, ScheduleExpression: "at(1970-01-01T01:00:00)", TaskCount: 10, ${policy} }`);
    const none = jobsOf(await run(parseScenario(burst("RetryPolicy: { MaximumRetryAttempts: 0 }"))));
    expect([none.completed, none.dropped, none.deadLettered, none.retries]).toEqual([4, 6, 0, 0]);
    // 60 s: retries at 1, 3, 7, 15, 31 s fail (the first four jobs run 10 minutes); the next would be at 63 s.
    const young = await run(
      parseScenario(
        burst(
          "RetryPolicy: { MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: arn:aws:sqs:us-east-1:1:dlq }",
        ),
      ),
    );
    const y = jobsOf(young);
    expect([y.completed, y.dropped, y.deadLettered, y.retries]).toEqual([4, 0, 6, 6 * 5]);
    expect(young.summary.platforms.jobs.requests.dropped).toBe(6);
    const dl = young.result.platforms[0].decisions.filter((d) => d.action === "dead-letter");
    expect(dl.map((d) => d.t)).toEqual(Array(6).fill(3_600 + 31));
    expect(dl[0].reason).toMatch(
      /after 5 retries over 31s \(MaximumRetryAttempts 185, MaximumEventAgeInSeconds 60\)/,
    );
    for (const c of young.result.platforms[0].checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it("per-minute SLO attainment: one event every other minute, each done well inside the SLO: only the minute still running at the end misses", async () => {
    // One event every 120 s, on a minute boundary; each job runs 1 minute plus start-up, far inside the
    // 20-minute SLO: every minute with an arrival has all its jobs within the SLO.
    const out = await run(
      parseScenario(
        scenario(
          "    job: { duration: 1m }\n    eventTarget: true",
          "synthetic: { shape: constant, rate: 0.0083333333334 }",
          "2h",
        ),
      ),
    );
    const slo = out.summary.platforms.jobs.slo;
    const j = jobsOf(out);
    // The last event (at 1 h 58 min) is still running when the run ends: its minute alone misses.
    expect(j.submitted - j.completed).toBe(1);
    expect(slo.minutesWithTraffic).toBe(j.submitted);
    expect(slo.violationMinutes).toBe(1);
    expect(slo.attainment).toBeCloseTo(1 - 1 / j.submitted, 6);
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
