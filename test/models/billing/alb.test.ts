import { describe, expect, it } from "vitest";
import { ALB_PRICES, albLcus, albPrices, chargeAlb } from "../../../src/models/billing/alb.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";

describe("ALB LCUs (https://aws.amazon.com/elasticloadbalancing/pricing/, the pricing page's worked example)", () => {
  // AWS's example: 1 new connection per second, each lasting 2 minutes (120 active per minute); 5 requests per
  // second; 300 KB per second processed (1.08 GB per hour); 60 rules, 10 free, so (60 − 10) × 5 = 250 rule
  // evaluations per second. LCUs: 1/25 = 0.04, 120/3,000 = 0.04, 1.08/1 = 1.08, 250/1,000 = 0.25; billed 1.08.
  const example = albLcus({
    newConnectionsPerSecond: 1,
    activeConnectionsPerMinute: 1 * 120,
    processedGb: (300e3 * 3600) / 1e9,
    requestsPerSecond: 5,
    rulesProcessed: 60,
  });
  it.each([
    ["newConnections", 0.04],
    ["activeConnections", 0.04],
    ["processedBytes", 1.08],
    ["ruleEvaluations", 0.25],
    ["lcus", 1.08],
  ] as const)("%s = %f", (k, v) => {
    expect(example[k]).toBeCloseTo(v, 12);
  });
  it("an hour of it in us-east-1 costs 0.0225 + 1.08 × 0.008 = 0.03114 USD", () => {
    const p = albPrices("us-east-1");
    expect(p.hourUsd + example.lcus * p.lcuHourUsd).toBeCloseTo(0.03114, 12);
  });
  it("the first 10 rules are free", () => {
    const lcus = (rules: number) =>
      albLcus({
        newConnectionsPerSecond: 0,
        activeConnectionsPerMinute: 0,
        processedGb: 0,
        requestsPerSecond: 1000,
        rulesProcessed: rules,
      });
    expect(lcus(10).ruleEvaluations).toBe(0);
    expect(lcus(11).ruleEvaluations).toBe(1);
  });
});

describe("chargeAlb", () => {
  const opts = {
    region: "us-east-1",
    bytesPerRequest: 0,
    rulesProcessed: 1,
    requestsPerConnection: 1,
    connectionSeconds: 0,
  };
  it("bills every hour or partial hour: 90 minutes are two ALB-hours, and the meters sum to the series", () => {
    const ledger = new CostLedger(90);
    // 50 requests per second, one per connection: 2 LCUs of new connections in each hour.
    chargeAlb(ledger, new Float64Array(90).fill(3000), opts);
    const m = Object.fromEntries(ledger.meterList().map((x) => [x.name, x]));
    expect(m["alb.hours"].quantity).toBe(2);
    expect(m["alb.lcu"].quantity).toBeCloseTo(4, 12);
    expect(ledger.totalUsd()).toBeCloseTo(2 * 0.0225 + 4 * 0.008, 12);
    expect(ledger.perMinute().reduce((s, x) => s + x, 0)).toBeCloseTo(ledger.totalUsd(), 12);
  });
  it("a region without pinned prices needs billing.loadBalancer.pricing; given prices are used", () => {
    expect(Object.keys(ALB_PRICES)).toEqual(["us-east-1"]);
    expect(() =>
      chargeAlb(new CostLedger(60), new Float64Array(60), { ...opts, region: "eu-west-1" }),
    ).toThrow(/eu-west-1 \(pinned: us-east-1\)/);
    const ledger = new CostLedger(60);
    chargeAlb(ledger, new Float64Array(60), {
      ...opts,
      region: "eu-west-1",
      prices: { hourUsd: 0.0252, lcuHourUsd: 0.008 },
    });
    expect(ledger.totalUsd()).toBeCloseTo(0.0252, 12);
  });
});
