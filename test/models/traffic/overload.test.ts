/**
 * Overload: fluid and request mode agree on what happens to requests a service cannot serve in time.
 *  - A request whose latency would exceed `workload.timeout` is a timeout in both modes, so no reported
 *    latency exceeds the timeout.
 *  - A task's queue is bounded (`workload.queueLimit`, by default the assumption `server.queueLimit`, a
 *    real server's accept or worker queue): arrivals beyond it are refused and counted as dropped (the
 *    ALB answers 502 when the target resets the connection,
 *    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-502-issues).
 *  - Served, dropped and timed-out counts agree within 3 % of request mode's count or 3 % of arrivals,
 *    whichever is larger (the sweeps rank under-provisioned variants on exactly these numbers).
 */
import { describe, expect, it } from "vitest";
import { fromObject, simulate } from "../../../src/index.js";

interface Case {
  rate: number;
  timeout: string;
  tasks?: number;
  duration?: string;
  queueLimit?: number;
  model?: "processor-sharing" | "worker-pool";
  concurrency?: number;
}

function scenario(mode: "fluid" | "request", c: Case) {
  return fromObject(
    {
      name: "overload",
      seed: 11,
      duration: c.duration ?? "30m",
      engine: { mode },
      traffic: { synthetic: { shape: "constant", rate: c.rate } },
      workload: {
        cpuPerRequest: "25ms",
        serviceTime: { distribution: "lognormal", mean: "60ms", cv: 1.0 },
        concurrency: c.concurrency ?? 64,
        timeout: c.timeout,
        model: c.model ?? "processor-sharing",
        ...(c.queueLimit === undefined ? {} : { queueLimit: c.queueLimit }),
      },
      slo: { latency: "250ms", percentile: 99 },
      platforms: {
        f: {
          kind: "ecs-fargate",
          task: { cpu: 1024, memory: 2048 },
          service: { desiredCount: c.tasks ?? 2, minCapacity: c.tasks ?? 2, maxCapacity: c.tasks ?? 2 },
        },
      },
    },
    { file: "<inline>", baseDir: process.cwd() },
  );
}

async function run(mode: "fluid" | "request", c: Case) {
  const p = (await simulate(scenario(mode, c))).platforms[0];
  return { ...p.requests, latency: p.latency };
}

function expectCountsAgree(f: Awaited<ReturnType<typeof run>>, r: Awaited<ReturnType<typeof run>>): void {
  const slack = (x: number) => Math.max(0.03 * x, 0.03 * r.arrived);
  for (const k of ["served", "dropped", "timedOut"] as const) {
    expect(Math.abs(f[k] - r[k]), `${k}: fluid ${f[k].toFixed(0)}, request ${r[k]}`).toBeLessThanOrEqual(
      slack(r[k]),
    );
  }
}

describe("overload: both modes time out, refuse and serve alike", () => {
  // One 1-vCPU task completes at most 1 vCPU / 25 ms = 40 requests/s under processor sharing.
  const cases: [string, Case][] = [
    ["1.5× overload of 2 tasks, 10-s timeout, default queue", { rate: 120, timeout: "10s" }],
    ["3× overload of 2 tasks, 5-s timeout, default queue", { rate: 240, timeout: "5s" }],
    [
      "1.5× overload, a queue long enough that waits exceed the 10-s timeout",
      { rate: 120, timeout: "10s", queueLimit: 2000 },
    ],
    [
      "worker pool, 8 slots of 60 ms (133 req/s per task) at 1.5×, 3-s timeout",
      { rate: 400, timeout: "3s", model: "worker-pool", concurrency: 8 },
    ],
  ];
  it.each(cases)("%s", async (_label, c) => {
    const f = await run("fluid", c);
    const r = await run("request", c);
    expectCountsAgree(f, r);
    const timeoutMs = Number.parseFloat(c.timeout) * 1000;
    for (const m of [f, r]) {
      expect(m.latency.max).toBeLessThanOrEqual(timeoutMs);
      expect(m.latency.p99).toBeLessThanOrEqual(timeoutMs);
    }
  });

  it("1.2× overload with a 2-s timeout under a 2.5-s queue wait: both modes fail nearly every request", async () => {
    // 100 queued at 40 req/s wait 2.5 s > 2 s. Request mode's queue also holds requests whose clients
    // have gone (discarded only at its head), so it refuses 2-3 % of arrivals that fluid mode times out
    // instead; what both report is a service failing almost every request.
    const c: Case = { rate: 96, timeout: "2s" };
    const f = await run("fluid", c);
    const r = await run("request", c);
    for (const m of [f, r]) expect(m.served).toBeLessThan(0.02 * m.arrived);
    const failed = (m: typeof f) => m.dropped + m.timedOut;
    expect(Math.abs(failed(f) - failed(r))).toBeLessThanOrEqual(0.02 * r.arrived);
  });

  it("a bounded queue by default: a 3× overload serves the capacity and refuses the rest", async () => {
    // Capacity 2 × 40 = 80 req/s of 240 arriving: 160 req/s refused. A queued request waits at most
    // 100 / 40 = 2.5 s, and the 64 requests sharing the vCPU take 64 × 25 ms = 1.6 s of CPU each, so most
    // of the 80 req/s finish inside the 5-s timeout.
    const seconds = 30 * 60;
    for (const mode of ["fluid", "request"] as const) {
      const m = await run(mode, { rate: 240, timeout: "5s" });
      expect(m.served).toBeGreaterThan(0.8 * 80 * seconds);
      expect(Math.abs(m.dropped - 160 * seconds)).toBeLessThanOrEqual(0.01 * 160 * seconds);
    }
  });
});
