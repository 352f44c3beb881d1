import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ebsGp3PricePerGbMonth,
  instancePrice,
  instanceType,
  listInstanceTypes,
  parseSkyPilotExtract,
  regionalPrice,
  SKYPILOT_SOURCE,
  spotDiscount,
} from "../../src/data/ec2.js";
import { FARGATE_PRICES, fargateRates, fargateSpotDiscount } from "../../src/data/fargate.js";
import { constantFactor, ebsVolumeUsd, instanceCharge } from "../../src/models/billing/ec2.js";
import { fargateTaskCost } from "../../src/models/billing/fargate.js";

const DAY_MS = 24 * 3_600_000;
const SNAPSHOT_TYPES = listInstanceTypes();
const SNAPSHOT_REGIONS = SKYPILOT_SOURCE.regions;
const FAMILIES = [...new Set(SNAPSHOT_TYPES.map((t) => t.split(".")[0]))];
const sizesOf = (family: string) =>
  ["medium", "large", "xlarge", "2xlarge", "4xlarge"].filter((s) =>
    SNAPSHOT_TYPES.includes(`${family}.${s}`),
  );
// Regions the catalogue at commit 001367d2 does not list a family in (read off vms.csv; the data header says the same).
const ABSENT: Record<string, string[]> = {
  c6i: ["ap-southeast-3", "me-central-1"],
  c7g: ["af-south-1", "ap-southeast-3", "me-central-1", "me-south-1"],
  m7g: ["af-south-1", "ap-east-1", "eu-south-1"],
  m7i: ["af-south-1", "ap-east-1", "ap-northeast-3", "eu-south-1", "me-central-1", "me-south-1"],
  r6i: ["ap-southeast-3"],
};

describe("What issue 16 asks: regional bills exact to the cent", () => {
  it("5 × m7g.large in eu-central-1 for a day: 11.736 USD (0.0978 USD/h × 24 h × 5)", () => {
    // vms.csv at 001367d2: m7g.large,,,2.0,8.0,,0.0978,…,eu-central-1 (three zones, one On-Demand price).
    const one = instanceCharge(instancePrice("m7g.large", "eu-central-1"), constantFactor(1), 0, DAY_MS);
    expect(5 * (one.usedUsd + one.minimumUsd)).toBeCloseTo(11.736, 10);
  });

  it("5 × m5.large in eu-west-1 for a day: 12.84 USD of instance meters (0.107 USD/h × 24 h × 5)", () => {
    const one = instanceCharge(instancePrice("m5.large", "eu-west-1"), constantFactor(1), 0, DAY_MS);
    expect(Math.round(5 * (one.usedUsd + one.minimumUsd) * 100) / 100).toBe(12.84);
  });

  it("10 Fargate 1 vCPU / 2 GB tasks in ap-southeast-1 for a day: 14.7888 USD ((0.05056 + 2 × 0.00553) × 240 h)", () => {
    const rates = fargateRates("ap-southeast-1", "x86_64");
    if (typeof rates === "string") throw new Error(rates);
    const one = fargateTaskCost({ vcpu: 1, memoryGb: 2 }, rates, 0, DAY_MS);
    expect(10 * (one.vcpuUsd + one.memoryUsd)).toBeCloseTo(14.7888, 10);
  });
});

describe("EC2 prices from the SkyPilot catalogue (data/ec2-prices-skypilot.txt)", () => {
  it("records the commit, the date read and the generator in the data file", () => {
    const head = readFileSync(new URL("../../data/ec2-prices-skypilot.txt", import.meta.url), "utf8");
    expect(head).toMatch(/commit: +001367d22a0033fac286a8c71aeac7109e431bcb/);
    expect(head).toMatch(/read: +2026-12-07/);
    expect(head).toMatch(/generator: .*fetch_aws\.py/);
  });

  it("covers all 12 catalogued families in each of the 22 commercial regions the catalogue lists them in", () => {
    expect(SNAPSHOT_REGIONS).toHaveLength(22);
    expect(FAMILIES).toHaveLength(12);
    let priced = 0;
    for (const t of SNAPSHOT_TYPES)
      for (const r of SNAPSHOT_REGIONS) {
        const absent = ABSENT[t.split(".")[0]]?.includes(r) ?? false;
        expect(regionalPrice(t, r) === undefined, `${t} ${r}`).toBe(absent);
        if (!absent) priced++;
      }
    // 48 types × 22 regions less the absent family-regions (4 sizes each).
    const absentCells = Object.values(ABSENT).reduce((n, rs) => n + 4 * rs.length, 0);
    expect(priced).toBe(48 * 22 - absentCells);
    expect(priced).toBe(4 * (22 * 7 + 21 + 20 + 19 + 18 + 16));
  });

  // Second sources: Karpenter's generated us-east-1 table, LeanerCloud's ec2-instances-info for af-south-1
  // (both pinned in data/ec2-instances.json), and the issue's own eu-west-1 figure.
  it.each(SNAPSHOT_TYPES)("%s in us-east-1 agrees with Karpenter's generated price table", (t) => {
    expect(regionalPrice(t, "us-east-1")?.onDemand).toBe(instanceType(t).pricePerHour["us-east-1"]);
  });
  it.each([
    "c5.large",
    "c5.xlarge",
    "c5.2xlarge",
    "c5.4xlarge",
    "m5.large",
    "m5.xlarge",
    "m5.2xlarge",
    "m5.4xlarge",
    "t3.medium",
    "t3.large",
    "t3.xlarge",
    "t3.2xlarge",
  ])("%s in af-south-1 agrees with ec2-instances-info", (t) => {
    expect(regionalPrice(t, "af-south-1")?.onDemand).toBe(instanceType(t).pricePerHour["af-south-1"]);
  });
  it("m5.large is 0.096 in us-east-1 and 0.107 in eu-west-1 (issue 16's second source)", () => {
    expect(instancePrice("m5.large", "us-east-1")).toBe(0.096);
    expect(instancePrice("m5.large", "eu-west-1")).toBe(0.107);
  });

  it("doubles with each size step within a family, to the Price List's rounding (a transcription check)", () => {
    let pairs = 0;
    for (const f of FAMILIES)
      for (const r of SNAPSHOT_REGIONS) {
        if (ABSENT[f]?.includes(r)) continue;
        const p = sizesOf(f).map((s) => regionalPrice(`${f}.${s}`, r)?.onDemand ?? 0);
        for (let i = 1; i < p.length; i++) {
          // me-central-1 rounds the large price to 3 decimals (c5: 0.106, 0.211, 0.422, 0.845).
          expect(Math.abs(p[i] / p[i - 1] - 2), `${f} ${r} step ${i}`).toBeLessThan(0.01);
          pairs++;
        }
      }
    expect(pairs).toBe(3 * (22 * 7 + 21 + 20 + 19 + 18 + 16));
  });

  it("Spot discounts per type and region (mean over zones): m5.large 56 % off in eu-west-1, 61–70 % in us-east-1", () => {
    // Issue 16 quotes m5.large at 56 % off in eu-west-1 and 61–70 % in us-east-1.
    // eu-west-1 zones: 0.0466, 0.0467, 0.0465 → mean 0.0466; 1 − 0.0466/0.107 = 0.5645.
    expect(spotDiscount("m5.large", "eu-west-1")).toBeCloseTo(1 - 0.0466 / 0.107, 10);
    const use1 = spotDiscount("m5.large", "us-east-1") ?? 0;
    expect(use1).toBeGreaterThanOrEqual(0.61);
    expect(use1).toBeLessThanOrEqual(0.7);
    // m7g.large in us-east-1, zones az1, az2, az4, az5, az6 of vms.csv: 0.0361, 0.0349, 0.0256, 0.0276, 0.0274.
    expect(spotDiscount("m7g.large", "us-east-1")).toBeCloseTo(1 - 0.1516 / 5 / 0.0816, 10);
    expect(spotDiscount("m7i.large", "af-south-1")).toBeUndefined();
  });

  it("a zone without a Spot price ('-') is left out of the mean; malformed lines are rejected with their line", () => {
    const m = parseSkyPilotExtract("# c\nx.large r 0.1 0.04 - 0.02\n");
    expect(m.get("x.large")?.get("r")).toEqual({ onDemand: 0.1, spotByZone: [0.04, 0.02] });
    expect(() => parseSkyPilotExtract("x.large r zero 0.04")).toThrow(/:1: malformed/);
  });
});

describe("EBS gp3 per region (AWS Pricing Calculator EBS feed of 2021-05-13, stored in ligoj/plugin-prov-aws)", () => {
  const COMMERCIAL = [
    ...["us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1"],
    ...[
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-southeast-1",
      "ap-southeast-2",
      "ca-central-1",
    ],
    ...[
      "eu-central-1",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "eu-south-1",
      "eu-north-1",
      "me-south-1",
      "sa-east-1",
    ],
  ];
  it("prices gp3 storage in 21 commercial regions and both GovCloud regions", () => {
    for (const r of [...COMMERCIAL, "us-gov-west-1", "us-gov-east-1"])
      expect(ebsGp3PricePerGbMonth(r), r).toBeGreaterThan(0);
  });

  it("agrees with second sources: us-east-1 $0.08 (aws.amazon.com/ebs/pricing), eu-central-1 $0.0952", () => {
    expect(ebsGp3PricePerGbMonth("us-east-1")).toBe(0.08);
    // https://hendric-jabs.de/2023/11/02/gp3-in-2-minuten/ (eu-central-1: "1024 GiB × $0,0952 = $ 97,48").
    expect(ebsGp3PricePerGbMonth("eu-central-1")).toBe(0.0952);
    expect(Math.round(1024 * ebsGp3PricePerGbMonth("eu-central-1") * 100) / 100).toBe(97.48);
  });

  it("costs 20 % less than gp2 in each region (AWS: 'up to 20% lower price per GB than gp2'), to the feed's rounding", () => {
    // gp2 per GB-month from the same feed, for the ratio only: us-east-1 0.10, eu-west-1 0.11, sa-east-1 0.19,
    // af-south-1 0.1309, eu-north-1 0.1045. https://aws.amazon.com/ebs/general-purpose/
    const gp2: Record<string, number> = {
      "us-east-1": 0.1,
      "eu-west-1": 0.11,
      "sa-east-1": 0.19,
      "af-south-1": 0.1309,
      "eu-north-1": 0.1045,
    };
    for (const [r, p] of Object.entries(gp2)) expect(ebsGp3PricePerGbMonth(r) / p, r).toBeCloseTo(0.8, 3);
  });

  it("10 × 30 GB gp3 root volumes in eu-central-1 for a day: 10 × 30 × 0.0952 × 24 / 730 USD", () => {
    const one = ebsVolumeUsd(30, ebsGp3PricePerGbMonth("eu-central-1"), 0, DAY_MS);
    expect(10 * one).toBeCloseTo(685.44 / 730, 12);
  });
});

describe("Fargate prices per region (theuves/fgcalc, cross-checked against AWS Price List rows)", () => {
  const commercial = Object.keys(FARGATE_PRICES.regions);
  it("pins x86_64 On-Demand and Spot for at least 15 commercial regions, none of them GovCloud", () => {
    expect(commercial.length).toBeGreaterThanOrEqual(15);
    expect(commercial.filter((r) => r.startsWith("us-gov"))).toEqual([]);
    for (const r of commercial) expect(FARGATE_PRICES.regions[r].spot, r).toBeDefined();
  });

  it("eu-west-1 equals the verbatim Price List rows in ligoj/plugin-prov-aws (x86, ARM, ephemeral storage)", () => {
    expect(fargateRates("eu-west-1", "x86_64")).toEqual({
      vcpuHour: 0.04048,
      gbHour: 0.004445,
      ephemeralStorageGbHour: 0.000122,
    });
    expect(fargateRates("eu-west-1", "arm64")).toEqual({
      vcpuHour: 0.03238,
      gbHour: 0.00356,
      ephemeralStorageGbHour: 0.000122,
    });
    expect(FARGATE_PRICES.regions["eu-west-1"].ephemeralStorageGbHour).toBe(0.000122);
  });

  it("a region without ARM rates names the regions that have them", () => {
    expect(fargateRates("ap-southeast-1", "arm64")).toMatch(/arm64 prices .*have: eu-west-1, us-east-1\)/);
  });

  it("Fargate Spot runs 61–70 % off (issue 16: 'Fargate Spot runs 61–69 % off')", () => {
    for (const r of commercial) {
      const d = fargateSpotDiscount(r) ?? 0;
      expect(d, r).toBeGreaterThanOrEqual(0.6);
      expect(d, r).toBeLessThanOrEqual(0.701);
    }
    expect(fargateSpotDiscount("us-east-1")).toBeCloseTo(1 - 0.01264355 / 0.04048, 12);
  });
});
