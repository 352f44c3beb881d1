import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { simulate } from "../../src/simulate.js";
import { summarise } from "../../src/analysis/summary.js";

/** Ten 1 vCPU / 2 GB Fargate tasks (no scaling) for a day of steady traffic, and the same on five m5.large. */
function steady(region: string, billing = "", extraPlatforms = ""): string {
  return `
name: steady
region: ${region}
duration: 1d
traffic: { synthetic: { shape: constant, rate: 50 } }
workload:
  cpuPerRequest: 10ms
  serviceTime: { distribution: lognormal, mean: 20ms, cv: 0.5 }
  concurrency: 64
  bytesPerRequest: 20000
slo: { latency: 400ms, percentile: 99 }
${billing}
platforms:
  fargate:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 10, minCapacity: 10, maxCapacity: 10 }
${extraPlatforms}
`;
}

const meter = (p: { cost: { meters: { name: string; usd: number }[] } }, prefix: string) =>
  p.cost.meters.filter((m) => m.name.startsWith(prefix)).reduce((s, m) => s + m.usd, 0);

describe("What issue 16 asks, end to end", () => {
  it("10 Fargate 1 vCPU / 2 GB tasks in ap-southeast-1 for a day bill 14.7888 USD of Fargate meters", async () => {
    const res = await simulate(
      parseScenario(steady("ap-southeast-1", "billing: { loadBalancer: { include: false } }")),
    );
    expect(meter(res.platforms[0], "fargate.")).toBeCloseTo(14.7888, 2);
  });

  it("5 × m5.large in eu-west-1 for a day: 12.84 USD of instance meters", async () => {
    const ec2 = `
  ec2:
    kind: ecs-ec2
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 5, minCapacity: 5, maxCapacity: 5 }
    capacityProviders:
      - name: cp
        autoScalingGroup: { instanceTypes: [m5.large], minSize: 5, maxSize: 5, desiredCapacity: 5 }`;
    const billing = "billing: { loadBalancer: { include: false }, ebsGp3PerGbMonth: 0.088 }";
    const s = parseScenario(steady("eu-west-1", billing, ec2));
    const res = await simulate(s);
    const p = res.platforms.find((x) => x.name === "ec2");
    expect(Math.round(meter(p as never, "ec2.on-demand.") * 100) / 100).toBe(12.84);
  });

  it("a Compute Savings Plan of 0.30/h at 20 % off Fargate: 10.0488 USD, coverage 76.0 %, utilisation 100 %", async () => {
    const billing = `billing:
  loadBalancer: { include: false }
  savingsPlans: [ { type: compute, commitmentPerHour: 0.30, discount: { fargate: 0.20 } } ]`;
    const s = parseScenario(steady("us-east-1", billing));
    const res = await simulate(s);
    const c = res.platforms[0].commitments;
    expect(c?.withCommitmentsUsd).toBeCloseTo(10.0488, 2);
    expect(c?.coveragePercent.toFixed(1)).toBe("76.0");
    expect(c?.utilisationPercent).toBeCloseTo(100, 6);
    expect(c?.perHour.withCommitmentsUsd).toHaveLength(24);
    const sum = summarise(res, s.slo);
    expect(sum.platforms.fargate.commitments?.totalUsd).toBeCloseTo(10.0488, 2);
  });

  it("without a billing block nothing about commitments appears", async () => {
    const res = await simulate(parseScenario(steady("us-east-1")));
    expect(res.platforms[0].commitments).toBeUndefined();
  });

  it("the ALB is its own meter, on by default: 24 ALB-hours at 0.0225 plus LCU-hours", async () => {
    // 50 req/s × 20,000 B = 3.6 GB/h processed → 3.6 LCU (new connections 5/s → 0.2; active 300 → 0.1).
    const res = await simulate(parseScenario(steady("us-east-1")));
    const p = res.platforms[0];
    expect(meter(p, "alb.hours")).toBeCloseTo(24 * 0.0225, 9);
    expect(meter(p, "alb.lcu")).toBeCloseTo(24 * 3.6 * 0.008, 2);
  });

  it("a region without ALB prices is an error naming the regions that have them", async () => {
    await expect(simulate(parseScenario(steady("eu-west-1")))).rejects.toThrow(
      /pinned: us-east-1\); set billing.loadBalancer.pricing/,
    );
  });

  it("a Compute Savings Plan without a rate for a platform's usage is bad input with its line", () => {
    const billing = `billing:
  savingsPlans: [ { type: compute, commitmentPerHour: 0.30, discount: { m6i: 0.28 } } ]`;
    expect(() => parseScenario(steady("us-east-1", billing))).toThrow(
      /<inline>:\d+:\d+: billing\.savingsPlans\[0\]\.discount: no rate for fargate usage/,
    );
  });

  it("a Reserved Instance without its rate is bad input", () => {
    const billing = `billing:
  reservedInstances: [ { instanceType: m6i.large, count: 4 } ]`;
    expect(() => parseScenario(steady("us-east-1", billing))).toThrow(/reservedInstances\[0\]\.discount/);
  });
});
