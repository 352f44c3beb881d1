import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import { activeBilledSeconds, activeUntil } from "../../../src/models/apprunner/billing.js";
import { appRunnerInstancesNeeded, appRunnerNextCount } from "../../../src/models/apprunner/scaling.js";
import { parseScenario } from "../../../src/scenario/load.js";

const DEFAULTS = { MaxConcurrency: 100, MinSize: 1, MaxSize: 25 };

describe("App Runner scaling arithmetic", () => {
  // "scales up when concurrent requests per instance exceed MaxConcurrency", within MinSize..MaxSize.
  it.each([
    [0, DEFAULTS, 1],
    [100, DEFAULTS, 1],
    [100.5, DEFAULTS, 2],
    [250, DEFAULTS, 3],
    [10_000, DEFAULTS, 25],
    [30, { MaxConcurrency: 10, MinSize: 2, MaxSize: 5 }, 3],
    [5, { MaxConcurrency: 10, MinSize: 2, MaxSize: 5 }, 2],
  ])("%d concurrent requests with %o → %d instances", (c, cfg, n) => {
    expect(appRunnerInstancesNeeded(c, cfg)).toBe(n);
  });

  it("scales up at once, down only to the highest need in the window", () => {
    expect(appRunnerNextCount(2, [1, 1, 5])).toBe(5);
    expect(appRunnerNextCount(5, [5, 2, 1])).toBe(5);
    expect(appRunnerNextCount(5, [3, 2, 1])).toBe(3);
    expect(appRunnerNextCount(5, [5])).toBe(5);
  });
});

describe("App Runner billing", () => {
  // https://aws.amazon.com/apprunner/pricing/: one-minute minimum vCPU charge per activation, per second.
  it.each([
    [0, 1_000, 60],
    [0, 60_000, 60],
    [0, 90_200, 91],
    [5_000, 3_605_000, 3_600],
  ])("active from %i ms to %i ms is billed %i s", (a, b, s) => {
    expect(activeBilledSeconds(a, b)).toBe(s);
  });

  it("an instance removed (or a run ending) 25 s into an activation is billed 25 active seconds, not the minimum", () => {
    expect(activeBilledSeconds(0, 25_000, 25_000)).toBe(25);
    expect(activeBilledSeconds(10_000, 10_400, 35_000)).toBe(25);
    expect(activeBilledSeconds(0, 1_000, 3_600_000)).toBe(60);
  });

  it("an active period lasts at least a minute and until the last request (plus idle timeout)", () => {
    expect(activeUntil(0, 5_000, 0)).toBe(60_000);
    expect(activeUntil(0, 95_000, 0)).toBe(95_000);
    expect(activeUntil(0, 95_000, 10_000)).toBe(105_000);
  });
});

function scenario(traffic: string, extra = "", duration = "1h"): string {
  return `
name: app-runner
seed: 11
duration: ${duration}
traffic:
  ${traffic}
workload:
  cpuPerRequest: 10ms
  serviceTime: 50ms
  concurrency: 64
slo: { latency: 300ms }
platforms:
  runner:
    kind: app-runner
    InstanceConfiguration: { Cpu: 1 vCPU, Memory: 2 GB }
    AutoScalingConfiguration: { MaxConcurrency: 10, MinSize: 2, MaxSize: 8 }
${extra}
`;
}

type AppRunnerDetails = { activations: number; activeInstanceHours: number; activeShare: number };

/** A constant load on App Runner instances of 10 slots, 50 ms per request (1 ms of CPU). */
function overload(sizes: string, rate: number): string {
  return `
name: app-runner-overload
seed: 11
duration: 30m
traffic: { synthetic: { shape: constant, rate: ${rate} } }
workload: { cpuPerRequest: 1ms, serviceTime: 50ms, concurrency: 64, timeout: 10s }
slo: { latency: 300ms }
platforms:
  runner:
    kind: app-runner
    InstanceConfiguration: { Cpu: 1 vCPU, Memory: 2 GB }
    AutoScalingConfiguration: { MaxConcurrency: 10, ${sizes} }
`;
}

describe("App Runner platform", () => {
  it("with no traffic pays provisioned memory only: MinSize × 2 GB × $0.007 per hour", async () => {
    const out = await run(parseScenario(scenario("synthetic: { shape: constant, rate: 0 }")));
    const p = out.summary.platforms.runner;
    expect(p.cost.totalUsd).toBeCloseTo(2 * 2 * 0.007, 9);
    expect(p.cost.meters.map((m) => m.name)).toEqual(["appRunner.provisionedMemory"]);
    for (const c of p.checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it("a trickle of requests activates instances for the one-minute minimum each time", async () => {
    // One request every ~2 minutes in all: each activation is billed 60 s of vCPU.
    const out = await run(parseScenario(scenario("synthetic: { shape: constant, rate: 0.008 }")));
    const r = out.result.platforms[0];
    const d = (r.details as { appRunner: { activations: number; activeInstanceHours: number } }).appRunner;
    expect(d.activations).toBeGreaterThan(10);
    expect(d.activeInstanceHours * 3600).toBeCloseTo(d.activations * 60, 6);
    const vcpu = r.cost.meters.find((m) => m.name === "appRunner.activeVcpu")!;
    expect(vcpu.usd).toBeCloseTo((d.activations * 60 * 0.064) / 3600, 9);
  });

  it("scales out to ceil(concurrency / MaxConcurrency) and back in to MinSize after the stabilization window", async () => {
    // 600 req/s × 50 ms = 30 concurrent → 3 instances at MaxConcurrency 10; then the load goes away.
    const out = await run(
      parseScenario(
        scenario("synthetic: { shape: spike, base: 10, peak: 600, at: 10m, width: 20m }", "", "1h"),
      ),
    );
    const r = out.result.platforms[0];
    const outs = r.decisions
      .filter((d) => d.controller === "appRunner")
      .filter((d) => d.action === "scale-out");
    const ins = r.decisions.filter((d) => d.action === "scale-in");
    expect(outs.length).toBeGreaterThan(0);
    // Each scale-out goes to the need its measured mean concurrency implies, computed by hand from App
    // Runner's rule: instances = ceil(concurrent requests / MaxConcurrency), within [MinSize 2, MaxSize 8]
    // (https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html).
    for (const d of outs) {
      const c = d.concurrency;
      let byHand = 0;
      while (byHand * 10 < c) byHand++; // the least whole number of 10-request instances holding c
      expect(d.to, `concurrency ${c}`).toBe(Math.min(8, Math.max(2, byHand)));
    }
    // The first evaluation that sees the spike (at 10 min) acts on it at the end of its interval.
    expect(outs[0].t).toBe(660);
    // 600 req/s × ≥ 50 ms ≥ 30 concurrent requests: at least 3 instances at the peak.
    expect(Math.max(...outs.map((d) => d.to))).toBeGreaterThanOrEqual(3);
    expect(ins.length).toBeGreaterThan(0);
    expect(ins.at(-1)!.to).toBe(2);
    for (const c of r.checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it("active time is part of provisioned time: an activation 30 s before the run ends bills 30 s, not the minimum", async () => {
    // Requests only in the last 30 s of the hour; the one-minute minimum cannot outlive the instances.
    const out = await run(
      parseScenario(scenario("synthetic: { shape: spike, base: 0, peak: 20, at: 59m30s, width: 30s }")),
    );
    const d = (out.result.platforms[0].details as { appRunner: AppRunnerDetails }).appRunner;
    expect(d.activations).toBe(2);
    expect(d.activeInstanceHours * 3600).toBeCloseTo(2 * 30, 6);
    expect(d.activeShare).toBeLessThanOrEqual(1);
    for (const c of out.result.platforms[0].checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it("beyond MaxConcurrency × instances App Runner answers 429 at once: dropped, not queued to the timeout", async () => {
    // One instance (MaxSize 1) of 10 slots × 50 ms serves 200 req/s; 400 req/s are offered, so about half
    // are answered 429 (apprunner-roadmap #224, #227). Nothing waits, so nothing times out and the served
    // requests take about their service time.
    const text = overload("MinSize: 1, MaxSize: 1", 400);
    const p = (await run(parseScenario(text))).summary.platforms.runner;
    expect(p.requests.timedOut).toBe(0);
    expect(p.requests.dropped / p.requests.arrived).toBeGreaterThan(0.45);
    expect(p.requests.dropped / p.requests.arrived).toBeLessThan(0.55);
    expect(p.latencyMs.p50).toBeLessThan(100);
  });

  it("the concurrency that drives scaling is the requests on the instances: 300 req/s × 50 ms = 15 needs 2 instances", async () => {
    // MaxConcurrency 10: ceil(15 / 10) = 2 instances. A queue in front of the instances must not count.
    const text = overload("MinSize: 1, MaxSize: 8", 300);
    const r = (await run(parseScenario(text))).result.platforms[0];
    expect(Math.max(...r.decisions.map((d) => d.to))).toBe(2);
    expect(r.capacity.max).toBe(2);
  });

  it("runs beside an ECS service in one scenario, deterministically", async () => {
    const ecs = `
  fargate:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 2, minCapacity: 2, maxCapacity: 8 }`;
    const text = scenario("synthetic: { shape: diurnal, base: 20, peak: 300, period: 1h }", ecs);
    const a = await run(parseScenario(text));
    const b = await run(parseScenario(text));
    expect(Object.keys(a.summary.platforms)).toEqual(["runner", "fargate"]);
    expect(a.files["summary.json"]).toBe(b.files["summary.json"]);
    expect(a.files["series.csv"]).toBe(b.files["series.csv"]);
  });

  it("rejects sizes App Runner does not offer, with the path", () => {
    expect(() =>
      parseScenario(
        scenario("synthetic: { shape: constant, rate: 1 }").replace("Memory: 2 GB", "Memory: 8 GB"),
      ),
    ).toThrow(/InstanceConfiguration\.Memory: App Runner 1 vCPU takes Memory 2 GB, 3 GB, 4 GB/);
  });
});
