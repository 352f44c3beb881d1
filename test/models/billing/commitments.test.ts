import { describe, expect, it } from "vitest";
import { instancePrice } from "../../../src/data/ec2.js";
import { InputError } from "../../../src/errors.js";
import {
  applyCommitments,
  type CommitmentContext,
  recommendComputeCommitment,
} from "../../../src/models/billing/commitments.js";
import type { SavingsPlanSpec } from "../../../src/scenario/billing.js";

const ctx = (hours: number): CommitmentContext => ({
  onDemandPerHour: (t) => instancePrice(t, "us-east-1"),
  hourFractions: new Array(hours).fill(1),
});
const flat = (usd: number, hours: number) => new Array(hours).fill(usd);
const compute = (commitmentPerHour: number, discount: Record<string, number>): SavingsPlanSpec => ({
  type: "compute",
  commitmentPerHour,
  discount,
});

describe("What issue 16 asks: a Compute Savings Plan on 10 Fargate tasks for a day in us-east-1", () => {
  // 10 × (1 vCPU × 0.04048 + 2 GB × 0.004445) = 0.4937 USD per hour On-Demand.
  // The plan spends 0.30/h at 20 % off, covering 0.30 / 0.8 = 0.375 of On-Demand; 0.1187/h stays On-Demand.
  // Day: 24 × (0.30 + 0.1187) = 10.0488; coverage 0.375 / 0.4937 = 75.96 %; utilisation 100 %.
  const r = applyCommitments(
    { savingsPlans: [compute(0.3, { fargate: 0.2 })], reservedInstances: [] },
    { fargate: flat(10 * (0.04048 + 2 * 0.004445), 24) },
    ctx(24),
  );
  it("costs 10.0488 USD instead of 11.8488", () => {
    expect(r.withCommitmentsUsd).toBeCloseTo(10.0488, 9);
    expect(r.onDemandUsd).toBeCloseTo(11.8488, 9);
  });
  it("covers 76.0 % of the eligible spend at 100 % utilisation", () => {
    expect(r.coveragePercent.toFixed(1)).toBe("76.0");
    expect(r.utilisationPercent).toBeCloseTo(100, 9);
  });
});

describe("Savings Plans order (https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html)", () => {
  // One hour, hand-computed; columns: plans, usage (On-Demand USD), expected bill, expected coverage %.
  const cases: [string, SavingsPlanSpec[], Record<string, number>, number, number][] = [
    [
      // Highest savings percentage first: m6i (28 %) before Fargate (20 %). 0.5 buys 0.5/0.72 of m6i.
      "highest savings percentage first",
      [compute(0.5, { fargate: 0.2, m6i: 0.28 })],
      { fargate: 1, "ec2:m6i.large": 1 },
      0.5 + (1 - 0.5 / 0.72) + 1,
      (100 * (0.5 / 0.72)) / 2,
    ],
    [
      // EC2 Instance SP first (listed second on purpose): 0.30 at 40 % off covers 0.5 of m6i; the Compute SP's
      // 0.30 then covers 0.30/0.72 of the remaining 0.5 of m6i (28 % beats Fargate's 20 %).
      "EC2 Instance Savings Plans before Compute Savings Plans",
      [
        compute(0.3, { fargate: 0.2, m6i: 0.28 }),
        { type: "ec2-instance", family: "m6i", commitmentPerHour: 0.3, discount: 0.4 },
      ],
      { fargate: 1, "ec2:m6i.large": 1 },
      0.3 + 0.3 + (0.5 - 0.3 / 0.72) + 1,
      (100 * (0.5 + 0.3 / 0.72)) / 2,
    ],
    [
      // Usage beyond the commitment is On-Demand; an unused commitment is still billed (0.08 of 0.30 used).
      "unused commitment is billed",
      [compute(0.3, { fargate: 0.2 })],
      { fargate: 0.1 },
      0.3,
      100,
    ],
    [
      // An EC2 Instance SP covers its own family only: m5 at 40 % off costs 0.25 × 0.6 = 0.15 of the 0.20
      // committed (all of it covered, 0.05 unused but billed); m6i stays On-Demand.
      "an EC2 Instance Savings Plan covers its family only",
      [{ type: "ec2-instance", family: "m5", commitmentPerHour: 0.2, discount: 0.4 }],
      { "ec2:m6i.large": 0.5, "ec2:m5.large": 0.25 },
      0.2 + 0.5,
      (100 * 0.25) / 0.75,
    ],
  ];
  it.each(cases)("%s", (_name, savingsPlans, usage, bill, coverage) => {
    const hourly = Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, [v]]));
    const r = applyCommitments({ savingsPlans, reservedInstances: [] }, hourly, ctx(1));
    expect(r.withCommitmentsUsd).toBeCloseTo(bill, 9);
    expect(r.coveragePercent).toBeCloseTo(coverage, 9);
  });

  it("a usage the plan covers without a rate on the user's card is an error naming the family", () => {
    expect(() =>
      applyCommitments(
        { savingsPlans: [compute(0.3, { fargate: 0.2 })], reservedInstances: [] },
        { "ec2:m5.large": [0.096] },
        ctx(1),
      ),
    ).toThrow(InputError);
    expect(() =>
      applyCommitments(
        { savingsPlans: [compute(0.3, { fargate: 0.2 })], reservedInstances: [] },
        { "ec2:m5.large": [0.096] },
        ctx(1),
      ),
    ).toThrow(/no Compute Savings Plan rate for m5 usage/);
  });
});

describe("Reserved Instance size flexibility (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/apply_ri.html)", () => {
  // Normalization factors large 4, xlarge 8, 2xlarge 16, 4xlarge 32 (Cost Explorer's example: an xlarge uses 8
  // units, a 2xlarge 16). m6i.large is 0.096 USD/h in us-east-1, so xlarge 0.192, 2xlarge 0.384, 4xlarge 0.768.
  const cases: [string, string, number, Record<string, number>, number, number][] = [
    // One m6i.xlarge RI (8 units) covers two running m6i.large (4 + 4).
    ["xlarge RI covers two large", "m6i.xlarge", 1, { "ec2:m6i.large": 2 * 0.096 }, 100, 100],
    // One m6i.2xlarge RI (16 units) covers half of a running m6i.4xlarge (32).
    ["2xlarge RI covers half a 4xlarge", "m6i.2xlarge", 1, { "ec2:m6i.4xlarge": 0.768 }, 50, 100],
    // Smallest sizes first: a large RI (4 units) covers the large, not the xlarge.
    [
      "smallest size first",
      "m6i.large",
      1,
      { "ec2:m6i.large": 0.096, "ec2:m6i.xlarge": 0.192 },
      (100 * 0.096) / 0.288,
      100,
    ],
    // Two m6i.xlarge RIs (16 units) with one m6i.large running (4): 25 % of the reservation used.
    ["unused reservation", "m6i.xlarge", 2, { "ec2:m6i.large": 0.096 }, 100, 25],
    // Another family is not covered.
    ["other family not covered", "m6i.large", 1, { "ec2:m5.large": 0.096 }, 0, 0],
  ];
  it.each(cases)("%s", (_n, instanceType, count, usage, coverage, riUtilisation) => {
    const hourly = Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, [v]]));
    const r = applyCommitments(
      { savingsPlans: [], reservedInstances: [{ instanceType, count, discount: 0.3 }] },
      hourly,
      ctx(1),
    );
    expect(r.coveragePercent).toBeCloseTo(coverage, 9);
    expect(r.riUtilisationPercent).toBeCloseTo(riUtilisation, 9);
    // The RI fee is due whether used or not: count × On-Demand × (1 − 0.3); the uncovered rest is On-Demand.
    const od = Object.values(usage).reduce((s, x) => s + x, 0);
    const fee = count * instancePrice(instanceType, "us-east-1") * 0.7;
    expect(r.withCommitmentsUsd).toBeCloseTo(fee + od * (1 - coverage / 100), 9);
  });

  it("Reserved Instances apply before Savings Plans", () => {
    // Two m6i.large running (0.192/h): the xlarge RI takes both, leaving the Savings Plan nothing to cover.
    const r = applyCommitments(
      {
        savingsPlans: [compute(0.1, { m6i: 0.28 })],
        reservedInstances: [{ instanceType: "m6i.xlarge", count: 1, discount: 0.3 }],
      },
      { "ec2:m6i.large": [0.192] },
      ctx(1),
    );
    expect(r.utilisationPercent).toBe(0);
    expect(r.withCommitmentsUsd).toBeCloseTo(0.192 * 0.7 + 0.1, 9);
  });
});

describe("the recommended hourly commitment minimises the simulated bill", () => {
  const billing = (c: number) => ({ savingsPlans: [compute(c, { fargate: 0.2 })], reservedInstances: [] });
  it("steady usage: commit its cost at the plan's rate (0.4937 × 0.8 ≈ 0.395/h)", () => {
    const r = recommendComputeCommitment(billing(0.3), { fargate: flat(0.4937, 24) }, ctx(24));
    expect(r?.commitmentPerHour).toBe(0.395);
    expect(r?.withCommitmentsUsd).toBeCloseTo(24 * 0.395, 9);
  });
  it("half the hours idle at 20 % off: committing never pays (bill 12 + 9c), so 0", () => {
    const usage = { fargate: [...flat(1, 12), ...flat(0, 12)] };
    expect(recommendComputeCommitment(billing(0.3), usage, ctx(24))?.commitmentPerHour).toBe(0);
  });
  it("20 of 24 hours busy: the bill 20 − c falls until c = 0.8", () => {
    const usage = { fargate: [...flat(1, 20), ...flat(0, 4)] };
    const r = recommendComputeCommitment(billing(0.3), usage, ctx(24));
    expect(r?.commitmentPerHour).toBe(0.8);
    expect(r?.withCommitmentsUsd).toBeCloseTo(19.2, 9);
  });
});
