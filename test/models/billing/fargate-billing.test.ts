import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fargateBilledSeconds, fargateTaskCost } from "../../../src/models/billing/fargate.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { parseScenario } from "../../../src/scenario/load.js";
import { simulate } from "../../../src/simulate.js";

const US_EAST_1 = { vcpuHour: 0.04048, gbHour: 0.004445 };

describe("Fargate billing (https://aws.amazon.com/fargate/pricing/)", () => {
  it.each([
    [0, 30_000, 60], // a 30-s task is billed the one-minute minimum
    [0, 60_000, 60],
    [0, 60_001, 61], // rounded up to the next second
    [1_500, 3_601_500, 3600],
  ])("task from %d ms to %d ms is billed %d s", (a, b, s) => expect(fargateBilledSeconds(a, b)).toBe(s));

  it("W17: 1 vCPU / 2 GB for one hour in us-east-1 costs $0.04937", () => {
    const c = fargateTaskCost({ vcpu: 1, memoryGb: 2 }, US_EAST_1, 0, 3_600_000);
    expect(c.vcpuUsd + c.memoryUsd).toBeCloseTo(0.04937, 10);
  });
});

describe("CostLedger", () => {
  it("spreads an interval over the minutes it covers", () => {
    const l = new CostLedger(4);
    // 1 USD per minute from 30 s to 150 s, plus 0.25 USD at the end.
    l.addInterval(30_000, 150_000, 1 / 60_000, 0.25);
    l.addToMeter("m", "units", 1, 2.25);
    expect([...l.perMinute()].map((x) => Math.round(x * 1e9) / 1e9)).toEqual([0.5, 1, 0.75, 0]);
  });

  it("per-minute costs always add up to the total charged (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 599_999 }),
            fc.integer({ min: 1, max: 600_000 }),
            fc.double({ min: 0, max: 1e-3, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          { maxLength: 50 },
        ),
        (intervals) => {
          const l = new CostLedger(10);
          let expected = 0;
          for (const [start, len, rate, extra] of intervals) {
            const end = Math.min(600_000, start + len);
            l.addInterval(start, end, rate, extra);
            expected += (end - start) * rate + extra;
          }
          const total = [...l.perMinute()].reduce((a, b) => a + b, 0);
          expect(total).toBeCloseTo(expected, 9);
        },
      ),
    );
  });
});

describe("Fargate ephemeral storage (task.ephemeralStorage, ECS ephemeralStorage.sizeInGiB)", () => {
  // 20 GB free; configured storage above it billed per GB-hour at the pinned us-east-1 rate $0.000111
  // (data/fargate-prices.json; https://aws.amazon.com/fargate/pricing/). Sizes 21–200 GiB:
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html
  const scenario = (storage: string) => `
name: storage
seed: 1
duration: 1h
traffic:
  synthetic: { shape: constant, rate: 1 }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 1MiB }
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:
  f:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048${storage} }
    service: { desiredCount: 2, minCapacity: 2, maxCapacity: 2 }
`;

  it("two 50-GiB tasks for an hour: 2 × 30 GB × 1 h = 60 GB-hours × $0.000111 = $0.00666, its own meter", async () => {
    const r = await simulate(parseScenario(scenario(", ephemeralStorage: 50"), "s.yaml"));
    const p = r.platforms[0];
    const meter = p.cost.meters.find((m) => m.name === "fargate.ephemeralStorage");
    expect(meter?.quantity).toBeCloseTo(60, 9);
    expect(meter?.usd).toBeCloseTo(0.00666, 12);
    // The total is the sum of the meters, storage included.
    const sum = p.cost.meters.reduce((a, m) => a + m.usd, 0);
    expect(p.cost.totalUsd).toBeCloseTo(sum, 12);
  });

  it("the free 20 GB alone adds no meter", async () => {
    const r = await simulate(parseScenario(scenario(""), "s.yaml"));
    expect(r.platforms[0].cost.meters.map((m) => m.name)).not.toContain("fargate.ephemeralStorage");
  });

  it.each([20, 201, 30.5])("ephemeralStorage %d is bad input", (gib) => {
    expect(() => parseScenario(scenario(`, ephemeralStorage: ${gib}`), "s.yaml")).toThrow(
      /platforms\.f\.task\.ephemeralStorage/,
    );
  });
});
